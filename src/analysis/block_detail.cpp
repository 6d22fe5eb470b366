#include "analysis/block_detail.h"

#include <algorithm>

#include "analysis/block_filter.h"
#include "analysis/heap_select.h"
#include "symbolize/symbolizer.h"

namespace leakdbg {

namespace {

constexpr uint8_t kAllocatorGlibc = 1;

uint64_t extent_of(const Block& block) { return std::max<uint64_t>({block.size, block.usable, 1}); }

}  // namespace

std::optional<ChunkFacts> chunk_facts(const HeapModel& model, const Block& block) {
  if (model.allocator != kAllocatorGlibc || block.address < 16) return std::nullopt;
  ChunkFacts facts;
  facts.chunk_address = block.address - 16;
  facts.is_mmapped = block.mmapped_chunk();
  facts.non_main_arena = !facts.is_mmapped && block.arena != kArenaUnknown && block.arena != 0;
  if (block.usable) {
    // An arena chunk lends its last 8 bytes to the next chunk's prev_size; an mmapped one
    // keeps its whole 16-byte header.
    facts.chunk_size = block.usable + (facts.is_mmapped ? 16 : 8);
  } else if (facts.is_mmapped) {
    facts.chunk_size = (block.size + 16 + 4095) / 4096 * 4096;
  } else {
    facts.chunk_size = std::max<uint64_t>(32, (block.size + 8 + 15) & ~uint64_t{15});
  }
  return facts;
}

BlockDetail inspect_address(const HeapModel& model, Symbolizer* symbolizer, uint64_t address) {
  BlockDetail detail;
  detail.origin_known = !model.caps.no_block_origin;
  detail.query = address;
  detail.mapping = find_mapping(model, address);

  auto after = std::upper_bound(model.blocks.begin(), model.blocks.end(), address,
                                [](uint64_t value, const Block& b) { return value < b.address; });
  if (after != model.blocks.begin()) {
    const Block& candidate = *std::prev(after);
    if (address - candidate.address < extent_of(candidate))
      detail.block = &candidate;
    else
      detail.below = &candidate;
  }
  if (after != model.blocks.end()) detail.above = &*after;

  if (detail.block) {
    const Block& block = *detail.block;
    detail.offset = address - block.address;
    detail.heap = heap_id(model, heap_of(block));
    detail.age_seconds = model.age_seconds(block);
    detail.thread = thread_label(model, block.thread_id);
    detail.api = std::string(api_name(block.api));
    detail.chunk = chunk_facts(model, block);
    if (symbolizer) {
      if (block.content_valid()) detail.type = type_hint(block, *symbolizer, model);
      detail.frames = symbolizer->frames_of(block.stack_id);
    }
    return detail;
  }

  auto region = std::upper_bound(model.regions.begin(), model.regions.end(), address,
                                 [](uint64_t value, const Region& r) { return value < r.address; });
  if (region != model.regions.begin() &&
      address - std::prev(region)->address < std::prev(region)->length) {
    const Region& r = *std::prev(region);
    detail.region = &r;
    detail.offset = address - r.address;
    detail.heap = heap_id(model, heap_of(r));
    detail.thread = thread_label(model, r.thread_id);
    detail.api = std::string(api_name(r.api));
    if (model.tick_ns && model.current_tick >= r.alloc_tick)
      detail.age_seconds = static_cast<double>(model.current_tick - r.alloc_tick) *
                           static_cast<double>(model.tick_ns) / 1e9;
    if (symbolizer) detail.frames = symbolizer->frames_of(r.stack_id);
  }
  return detail;
}

}  // namespace leakdbg
