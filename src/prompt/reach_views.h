// WinDbg's `!heap -l` (blocks no longer referenced, grouped by allocation stack) and
// `!heap -x ADDR` (who references a block, and the chain from a root) for snapshots taken
// with reachability.
#pragma once

#include <cstdint>
#include <ostream>

#include "model/heap_model.h"

namespace leakdbg {
class Symbolizer;
}

namespace leakdbg::prompt {

void print_leaked_blocks(const HeapModel& model, Symbolizer& symbolizer, std::ostream& out);
void print_block_references(const HeapModel& model, uint64_t address, std::ostream& out);

}  // namespace leakdbg::prompt
