// `leakdbg stat` (WinDbg `!heap -stat -h`): busy blocks grouped by size, call site,
// function, module or type hint, sorted by total bytes, or by growth against a base.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/group_key.h"
#include "model/heap_model.h"

namespace leakdbg {

class Symbolizer;

struct StatOptions {
  GroupBy by = GroupBy::kSize;
  std::string heap;  // a heap id as `summary` prints it; empty: every heap's blocks
  size_t top = 20;   // rows kept after sorting; 0 keeps all
  analysis::SiteLabelOptions labels;  // --alloc-fn
  // Only blocks of this reachability class (the snapshot must have classes; a base without
  // them is taken whole).
  std::optional<ReachClass> reach;
};

struct StatGroup {
  GroupInfo info;
  std::optional<uint64_t> size;  // the requested size every block of the group shares, if one
  uint64_t blocks = 0, total = 0;
  double percent = 0;                        // of the selection's busy bytes, 0..100
  uint64_t base_blocks = 0, base_total = 0;  // with a base; 0 for a new group

  int64_t growth_bytes() const {
    return static_cast<int64_t>(total) - static_cast<int64_t>(base_total);
  }
  int64_t growth_blocks() const {
    return static_cast<int64_t>(blocks) - static_cast<int64_t>(base_blocks);
  }
};

struct StatResult {
  GroupBy by = GroupBy::kSize;
  std::string heap;  // the heap id given, or "" for all
  bool has_base = false;
  uint64_t busy_bytes = 0, busy_blocks = 0;
  // The selection's busy bytes as the source states them when it lists only part of its
  // blocks (`!heap -stat` cut off at max-display): percentages are of this; 0 if complete.
  uint64_t stated_busy_bytes = 0;
  uint64_t base_busy_bytes = 0, base_busy_blocks = 0;
  size_t group_count = 0;  // groups before --top cut the list
  std::vector<StatGroup> groups;
};

// Without a base: sorted by total, largest first. With a base: by growth in bytes, largest
// first (groups that shrank or vanished last). `symbolizer` may be null when grouping by
// size; `base_symbolizer` belongs to `base`. The heap id must exist in `model` (else
// leakdbg::Error); a heap the base does not have yet counts as empty there.
StatResult compute_stat(const HeapModel& model, Symbolizer* symbolizer, const StatOptions& options,
                        const HeapModel* base = nullptr, Symbolizer* base_symbolizer = nullptr);

}  // namespace leakdbg
