#include "analysis/block_filter.h"

#include <unordered_map>

#include "analysis/group_key.h"
#include "analysis/heap_select.h"
#include "analysis/reach_summary.h"
#include "symbolize/frame_render.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg {

BlockQuery BlockQuery::exact_size(uint64_t size) {
  BlockQuery query;
  query.min_size = size;
  query.max_size = size == UINT64_MAX ? UINT64_MAX : size + 1;
  return query;
}

BlockQuery BlockQuery::size_range(uint64_t min, uint64_t max) {
  if (min >= max)
    throw Error("empty size range " + std::to_string(min) + " .. " + std::to_string(max) +
                " (MAX is exclusive and must exceed MIN)");
  BlockQuery query;
  query.min_size = min;
  query.max_size = max;
  return query;
}

std::string thread_label(const HeapModel& model, uint32_t tid) {
  std::string label = std::to_string(tid);
  for (const ThreadInfo& thread : model.threads)
    if (thread.tid == tid && !thread.name.empty()) return label + " (" + thread.name + ")";
  return label;
}

BlockListing list_blocks(const HeapModel& model, Symbolizer* symbolizer, const BlockQuery& query) {
  if (query.type && !symbolizer) throw Error("filtering by type needs symbols");
  if (query.reach) require_reachability(model);
  std::optional<HeapSelector> heap;
  if (!query.heap.empty()) heap = parse_heap_id(model, query.heap);
  // The type grouper caches one hint per distinct content, so a filter over 2 M blocks asks
  // the symbolizer only about the distinct first words.
  std::optional<BlockGrouper> types;
  if (symbolizer) types.emplace(GroupBy::kType, model, symbolizer);
  std::unordered_map<uint32_t, std::optional<SymbolicFrame>> top_frames;
  auto top_frame = [&](uint32_t stack_id) -> std::optional<SymbolicFrame> {
    if (!symbolizer || stack_id == 0) return std::nullopt;
    auto [it, inserted] = top_frames.try_emplace(stack_id);
    if (inserted) {
      std::vector<SymbolicFrame> frames = symbolizer->frames_of(stack_id);
      if (const SymbolicFrame* user = first_user_frame(frames))
        it->second = *user;
      else if (!frames.empty())
        it->second = frames.back();
    }
    return it->second;
  };

  BlockListing listing;
  listing.regions_considered = query.reach && model.caps.region_classes && !model.regions.empty() &&
                               !query.type && (!heap || !heap->holds_blocks());
  size_t limit = query.limit == 0 ? SIZE_MAX : query.limit;
  auto add_block = [&](const Block& block) {
    if (block.size < query.min_size || block.size >= query.max_size) return;
    if (heap && !heap->holds(block)) return;
    if (query.reach && block.reach != *query.reach) return;
    // Hints are worked out only where they decide the match or get listed.
    std::optional<std::string> type;
    auto hint = [&]() -> const std::string& {
      return types->group(types->group_of(block)).key.text;
    };
    if (query.type) {
      type = hint();
      if (type->find(*query.type) == std::string::npos) return;
    }
    ++listing.total;
    listing.total_bytes += block.size;
    if (listing.rows.size() >= limit) return;
    if (!type && types) type = hint();

    BlockRow row;
    row.block = &block;
    row.heap = heap_id(model, heap_of(block));
    row.type = type.value_or("");
    row.age_seconds = model.age_seconds(block);
    row.thread = thread_label(model, block.thread_id);
    row.top_frame = top_frame(block.stack_id);
    listing.rows.push_back(std::move(row));
  };
  auto add_region = [&](const Region& region) {
    if (region.length < query.min_size || region.length >= query.max_size) return;
    if (region.reach != *query.reach) return;
    if (heap && !heap->holds(region)) return;
    ++listing.region_total;
    listing.region_bytes += region.length;
    if (listing.rows.size() >= limit) return;
    BlockRow row;
    row.region = &region;
    row.heap = heap_id(model, heap_of(region));
    if (model.tick_ns && model.current_tick > region.alloc_tick)
      row.age_seconds = static_cast<double>(model.current_tick - region.alloc_tick) *
                        static_cast<double>(model.tick_ns) / 1e9;
    row.thread = thread_label(model, region.thread_id);
    row.top_frame = top_frame(region.stack_id);
    listing.rows.push_back(std::move(row));
  };
  // Blocks and regions each sorted by address: merged, so that the rows are in address order.
  const size_t region_count = listing.regions_considered ? model.regions.size() : 0;
  size_t next_region = 0;
  for (const Block& block : model.blocks) {
    for (; next_region < region_count && model.regions[next_region].address < block.address;
         ++next_region)
      add_region(model.regions[next_region]);
    add_block(block);
  }
  for (; next_region < region_count; ++next_region) add_region(model.regions[next_region]);
  return listing;
}

}  // namespace leakdbg
