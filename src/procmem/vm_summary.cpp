#include "procmem/vm_summary.h"

#include <algorithm>

namespace leakdbg::procmem {

namespace {

void add_to(TypeTotals& t, const Figures& f) {
  t.size += f.size;
  t.committed += f.committed;
  t.private_bytes += f.private_bytes;
  t.rss += f.rss;
  t.pss += f.pss;
  t.swap += f.swap;
  t.locked += f.locked;
  t.blocks += 1;
  t.largest = std::max(t.largest, f.size);
}

}  // namespace

const TypeTotals& VmSummary::of(MemType type) const { return types[static_cast<size_t>(type)]; }

VmSummary summarize(const std::vector<Mapping>& mappings, const std::vector<Piece>& pieces,
                    const std::optional<ProcStatus>& status) {
  VmSummary summary;
  for (size_t i = 0; i < kAllMemTypes.size(); ++i) summary.types[i].type = kAllMemTypes[i];
  for (const auto& piece : pieces) {
    if (piece.mapping >= mappings.size()) continue;
    add_to(summary.types[static_cast<size_t>(piece.type)],
           piece_figures(piece, mappings[piece.mapping]));
  }
  if (status && status->vm_pte > 0) {
    // Page tables are kernel memory charged to the process: committed, private, resident.
    Figures f;
    f.size = f.committed = f.private_bytes = f.rss = f.pss = status->vm_pte;
    add_to(summary.types[static_cast<size_t>(MemType::kPageTable)], f);
  }
  for (const auto& t : summary.types) {
    summary.total.size += t.size;
    summary.total.committed += t.committed;
    summary.total.private_bytes += t.private_bytes;
    summary.total.rss += t.rss;
    summary.total.pss += t.pss;
    summary.total.swap += t.swap;
    summary.total.locked += t.locked;
    summary.total.blocks += t.blocks;
    summary.total.largest = std::max(summary.total.largest, t.largest);
  }
  return summary;
}

VmView make_view(std::vector<Mapping> mappings, const Knowledge& knowledge,
                 std::optional<ProcStatus> status) {
  VmView view;
  view.pieces = classify(mappings, knowledge);
  view.summary = summarize(mappings, view.pieces, status);
  view.mappings = std::move(mappings);
  view.status = std::move(status);
  return view;
}

uint64_t view_private_bytes(const VmView& view) {
  if (view.status && view.status->valid) return private_bytes(*view.status);
  const VmSummary& s = view.summary;
  return s.of(MemType::kHeap).private_bytes + s.of(MemType::kStack).private_bytes +
         s.of(MemType::kPrivateData).private_bytes;
}

}  // namespace leakdbg::procmem
