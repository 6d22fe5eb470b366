// The call tree of every site's live memory, root first, for the page's icicle graphs: one
// tree gives both the live bytes of the last snapshot (widths) with their change since the
// first (differential colour), and the growth alone (widths of what grew). Sites are
// aggregated by frame, never listed per block, and frames too small to be drawn are pruned,
// so the tree's size follows the number of visible frames, not of blocks or stacks.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "analysis/analyze.h"

namespace leakdbg::report {

struct FlameOptions {
  // A node is kept when its live bytes or its growth reach this fraction of the root's
  // (a frame narrower than a pixel at any sensible zoom is noise).
  double min_fraction = 1.0 / 20000;
  size_t max_depth = 256;
};

// {"names": [...], "root": NODE}; NODE = [name index, live bytes, positive growth,
// signed change, live blocks, signed block change, [children]]: positive growth sums
// the sites below that grew, so growth widths never cancel out against what shrank.
// `first` and `last` are indexes into SiteSeries::points.
nlohmann::json flame_tree(const std::vector<analysis::SiteSeries>& sites, size_t first, size_t last,
                          const FlameOptions& options = {});

}  // namespace leakdbg::report
