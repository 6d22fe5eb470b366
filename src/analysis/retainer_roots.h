// Where each block's (and classified mmap region's) retainer path starts (reach_summary.h's
// retainer_path, for every item at once): the root that holds the chain and the first item
// below it, the "container" a suspect's reachable growth is held in. Linear in the items:
// paths share their tops, so each item is walked once.
#pragma once

#include <cstdint>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

inline constexpr uint32_t kNoRetainerTop = UINT32_MAX;

// Per item of `model` (the blocks in their order, then the regions in theirs: region r is
// item blocks.size() + r): the index of the first item on its retainer path, the one a root
// points at (the item itself when a root points at it directly), or kNoRetainerTop when no
// root holds it (lost items, unclassified regions, or a chain through memory the snapshot
// does not hold). A chain may pass through regions (a block held by a region a global
// holds) and through blocks (a region held by a block). Empty when the model has no classes.
std::vector<uint32_t> retainer_tops(const HeapModel& model);

}  // namespace leakdbg
