#include "symbolize/cu_functions.h"

#include <dwarf.h>

#include <algorithm>
#include <cstdlib>

#include "symbolize/dwarf_tags.h"

namespace leakdbg {

CuFunctions::CuFunctions(Dwarf_Die* cu) : cu_(*cu) {
  collect(cu, true);
  std::sort(ranges_.begin(), ranges_.end(),
            [](const PcRange& a, const PcRange& b) { return a.low < b.low; });
  reach_.reserve(ranges_.size());
  uint64_t reach = 0;
  for (const PcRange& range : ranges_) reach_.push_back(reach = std::max(reach, range.high));
}

void CuFunctions::collect(Dwarf_Die* parent, bool top_level) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return;
  do {
    int tag = dwarf_tag(&child);
    if (is_function_tag(tag)) {
      Dwarf_Addr base = 0, low = 0, high = 0;
      for (ptrdiff_t off = 0; (off = dwarf_ranges(&child, off, &base, &low, &high)) > 0;)
        if (high > low) ranges_.push_back({low, high, child});
    } else if (is_container_tag(tag)) {
      if (top_level) note_other_code(&child);
      collect(&child, false);
    } else if (top_level) {
      note_other_code(&child);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

void CuFunctions::note_other_code(Dwarf_Die* die) {
  // dwarf_getscopes walks an imported unit's children as if they were the unit's own.
  if (dwarf_tag(die) == DW_TAG_imported_unit) {
    other_code_anywhere_ = true;
    return;
  }
  if (!dwarf_hasattr(die, DW_AT_low_pc) && !dwarf_hasattr(die, DW_AT_ranges)) return;
  Dwarf_Addr base = 0, low = 0, high = 0;
  for (ptrdiff_t off = 0; (off = dwarf_ranges(die, off, &base, &low, &high)) > 0;)
    if (high > low) other_code_.emplace_back(low, high);
}

bool CuFunctions::in_other_code(uint64_t dwarf_pc) const {
  if (other_code_anywhere_) return true;
  return std::any_of(other_code_.begin(), other_code_.end(), [dwarf_pc](const auto& range) {
    return range.first <= dwarf_pc && dwarf_pc < range.second;
  });
}

bool CuFunctions::find(uint64_t dwarf_pc, Dwarf_Die* result) {
  auto after = std::upper_bound(ranges_.begin(), ranges_.end(), dwarf_pc,
                                [](uint64_t pc, const PcRange& r) { return pc < r.low; });
  size_t end = static_cast<size_t>(after - ranges_.begin());
  // Ranges of distinct functions do not overlap, so the range starting last at or below pc
  // is the only candidate; a few more are tried for units with odd overlapping entries
  // (discarded COMDAT copies left at address 0).
  for (size_t i = end, tries = 0; tries < 4 && i > 0; ++tries) {
    --i;
    if (dwarf_pc < ranges_[i].high) {
      *result = ranges_[i].die;
      return true;
    }
  }
  // dwarf_getscopes finds a function only inside a top-level DIE holding pc: one of the
  // indexed functions (further back, overlapped) or other code noted by the walk.
  bool covered = end > 0 && reach_[end - 1] > dwarf_pc;
  if (!covered && !in_other_code(dwarf_pc)) return false;
  Dwarf_Die* scopes = nullptr;
  int n = dwarf_getscopes(&cu_, dwarf_pc, &scopes);
  bool found = false;
  for (int i = 0; i < n && !found; ++i)
    if (is_function_tag(dwarf_tag(&scopes[i]))) {
      *result = scopes[i];
      found = true;
    }
  std::free(scopes);
  return found;
}

}  // namespace leakdbg
