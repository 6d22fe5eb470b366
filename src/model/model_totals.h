// The headline figures of one heap model, computed in one pass: what `leakdbg info` prints
// and what other commands quote as totals.
#pragma once

#include <cstdint>

#include "model/heap_model.h"

namespace leakdbg {

struct ModelTotals {
  uint64_t blocks = 0, bytes = 0, usable_bytes = 0;
  uint64_t mmapped_chunks = 0, mmapped_chunk_bytes = 0;  // glibc's own-mmap blocks
  uint64_t content_blocks = 0;                           // blocks with captured bytes
  uint64_t lowest_address = 0, highest_end = 0;          // span of the blocks
  uint64_t anon_regions = 0, anon_region_bytes = 0;      // tracked anonymous mmap
  uint64_t file_regions = 0, file_region_bytes = 0;      // file mappings, kept apart
  uint64_t stacks = 0, max_stack_depth = 0;
  uint64_t modules = 0, unloaded_modules = 0;
  double oldest_block_seconds = 0;
};

ModelTotals compute_totals(const HeapModel& model);

}  // namespace leakdbg
