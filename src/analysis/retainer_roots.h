// Where each block's retainer path starts (reach_summary.h's retainer_path, for every block
// at once): the root that holds the chain and the first block below it, the "container"
// a suspect's reachable growth is held in. Linear in the blocks: paths share their tops, so
// each block is walked once.
#pragma once

#include <cstdint>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

inline constexpr uint32_t kNoRetainerTop = UINT32_MAX;

// Per block of `model` (same order): the index of the first block on its retainer path, the
// one a root points at (the block itself when a root points at it directly), or
// kNoRetainerTop when no root holds it (lost blocks, or a chain through a block the snapshot
// does not hold). Empty when the model has no classes.
std::vector<uint32_t> retainer_tops(const HeapModel& model);

}  // namespace leakdbg
