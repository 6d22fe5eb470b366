// `!heap -s`: one row per heap, figures in KB (decimal), handle, flags and lock count in hex.
//   0a3c0000 08000002   16612  13064  16548    412   297     6    0      5   LFH
// Around the table the debugger prints banners ("NT HEAP STATS BELOW"), the global flags
// ("NtGlobalFlag enables following debugging aids for new heaps:" and one line per aid),
// "LFH Key : ..." lines, notes under a row ("External fragmentation ...", "Virtual block:
// ... (size ...)"), and on Windows 10 and later a segment-heap part with its own banner
// (or "SEGMENT HEAP ERROR: failed to initialize the extention" when the debugger cannot
// read it). Rows of segment heaps name the heap; their figures are not read.
#include <cctype>

#include "winimport/parsers.h"

namespace leakdbg::winimport {
namespace {

bool is_rule(std::string_view t) {
  return !t.empty() && t.find_first_not_of("-*= ") == std::string_view::npos;
}

// Lines WinDbg prints around and under the table that carry nothing to import.
bool is_known_note(std::string_view t) {
  return t.starts_with("*") || t.find(" : ") != std::string_view::npos ||
         t.find("(k)") != std::string_view::npos || contains_nocase(t, "fragmentation") ||
         starts_with_nocase(t, "Virtual block") || starts_with_nocase(t, "No heaps to display") ||
         starts_with_nocase(t, "NtGlobalFlag") || starts_with_nocase(t, "SEGMENT HEAP ERROR") ||
         starts_with_nocase(t, "HEAP ERROR") || contains_nocase(t, "HEAP STATS BELOW");
}

bool is_nt_header(const std::vector<std::string_view>& words) {
  return words.size() >= 3 && words[0] == "Heap" && words[1] == "Flags" && words[2] == "Reserv";
}

bool all_alpha(std::string_view word) {
  for (char c : word)
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  return !word.empty();
}

}  // namespace

void parse_heap_summary(const std::vector<Line>& lines, const TextSource& source,
                        ModelBuilder& model) {
  enum class Part { kPreamble, kNtTable, kSegmentHeaps } part = Part::kPreamble;
  bool table_seen = false;
  for (const auto& line : lines) {
    std::string_view t = trim(line.text);
    if (t.empty() || is_rule(t)) continue;
    auto words = split_words(t);
    if (contains_nocase(t, "SEGMENT HEAP") && !starts_with_nocase(t, "SEGMENT HEAP ERROR")) {
      part = Part::kSegmentHeaps;
      table_seen = true;
      continue;
    }
    if (is_nt_header(words)) {
      part = Part::kNtTable;
      table_seen = true;
      continue;
    }
    if (starts_with_nocase(t, "No heaps to display")) table_seen = true;
    if (is_known_note(t)) continue;
    if (is_elision(t)) {
      source.elision();
      continue;
    }
    // Before the table: the global flags and the debugging aids they enable.
    if (part == Part::kPreamble) continue;
    auto handle = parse_hex(words[0]);
    if (part == Part::kSegmentHeaps) {
      // Column headers of the segment-heap table are words; rows start with the handle.
      if (handle && words.size() >= 3)
        model.heap(*handle, line);
      else if (handle)
        source.skip(line);
      continue;
    }
    // XP to 11: handle, flags, Reserv, Commit, Virt, Free, List length, UCR, Virt blocks,
    // Lock contention (hex), then the front end ("LFH", "L", or nothing).
    bool has_front_end = words.size() == 11 && all_alpha(words[10]);
    if (!handle || (words.size() != 10 && !has_front_end)) {
      source.skip(line);
      continue;
    }
    auto flags = parse_hex(words[1]);
    uint64_t figures[7];
    bool ok = flags.has_value();
    for (size_t i = 0; ok && i < 7; ++i) {
      auto value = parse_decimal(words[2 + i]);
      ok = value && *value <= (UINT64_MAX >> 10);
      if (ok) figures[i] = *value;
    }
    auto lock = parse_hex(words[9]);
    if (!ok || !lock) {
      source.skip(line);
      continue;
    }
    Arena& arena = model.arena(model.heap(*handle, line));
    arena.figures_known = true;
    arena.heap_flags = *flags;
    arena.aspace_total = figures[0] << 10;
    arena.system_current = figures[1] << 10;
    arena.virtual_bytes = figures[2] << 10;
    arena.free_rest_bytes = figures[3] << 10;
    arena.free_rest_count = figures[4];
    arena.uncommitted_ranges = figures[5];
    arena.virtual_blocks = figures[6];
    arena.lock_contention = *lock;
    arena.front_end = has_front_end ? std::string(words[10]) : std::string();
  }
  if (!table_seen)
    source.fail_at_end("no heap table (the \"Heap Flags Reserv\" header is missing)");
  model.mark_heap_figures_known();
}

}  // namespace leakdbg::winimport
