#include "model/model_totals.h"

#include <algorithm>

namespace leakdbg {

ModelTotals compute_totals(const HeapModel& model) {
  ModelTotals t;
  t.blocks = model.blocks.size();
  uint64_t oldest_tick = UINT64_MAX;
  for (const Block& b : model.blocks) {
    t.bytes += b.size;
    t.usable_bytes += b.usable;
    if (b.mmapped_chunk()) {
      ++t.mmapped_chunks;
      t.mmapped_chunk_bytes += b.size;
    }
    if (b.content_valid()) ++t.content_blocks;
    oldest_tick = std::min(oldest_tick, b.alloc_tick);
  }
  if (!model.blocks.empty()) {
    const Block& last = model.blocks.back();
    t.lowest_address = model.blocks.front().address;
    t.highest_end = last.address + last.size;
    Block oldest;
    oldest.alloc_tick = oldest_tick;
    t.oldest_block_seconds = model.age_seconds(oldest);
  }
  for (const Region& r : model.regions) {
    if (r.file_backed()) {
      ++t.file_regions;
      t.file_region_bytes += r.length;
    } else {
      ++t.anon_regions;
      t.anon_region_bytes += r.length;
    }
  }
  t.stacks = model.stacks.size();
  for (const Stack& s : model.stacks)
    t.max_stack_depth =
        std::max<uint64_t>(t.max_stack_depth, std::max(s.frames.size(), s.symbols.size()));
  t.modules = model.modules.size();
  t.unloaded_modules = static_cast<uint64_t>(std::count_if(
      model.modules.begin(), model.modules.end(), [](const Module& m) { return m.unloaded; }));
  return t;
}

}  // namespace leakdbg
