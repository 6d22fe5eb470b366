#include "analysis/size_stat.h"

#include <algorithm>
#include <unordered_map>

#include "analysis/heap_select.h"
#include "util/error.h"

namespace leakdbg {

namespace {

struct Counts {
  uint64_t blocks = 0, total = 0;
  uint64_t first_size = 0;
  bool mixed_sizes = false;

  void add(uint64_t size) {
    if (blocks == 0)
      first_size = size;
    else if (size != first_size)
      mixed_sizes = true;
    ++blocks;
    total += size;
  }
};

struct Tally {
  std::vector<Counts> counts;  // by group index of the grouper
  uint64_t busy_bytes = 0, busy_blocks = 0;
};

// One pass over the selected blocks (or regions): one grouper lookup and two additions each.
Tally tally(const HeapModel& model, BlockGrouper& grouper,
            const std::optional<HeapSelector>& heap) {
  Tally result;
  auto add = [&](uint32_t group, uint64_t size) {
    if (group >= result.counts.size()) result.counts.resize(size_t{group} + 1);
    result.counts[group].add(size);
    result.busy_bytes += size;
    ++result.busy_blocks;
  };
  if (heap && !heap->holds_blocks()) {
    for (const Region& region : model.regions)
      if (heap->holds(region)) add(grouper.group_of(region), region.length);
    return result;
  }
  for (const Block& block : model.blocks)
    if (!heap || heap->holds(block)) add(grouper.group_of(block), block.size);
  return result;
}

std::optional<HeapSelector> selection(const HeapModel& model, const std::string& id,
                                      bool required) {
  if (id.empty()) return std::nullopt;
  if (required) return parse_heap_id(model, id);
  try {
    return parse_heap_id(model, id);
  } catch (const Error&) {
    // The heap did not exist yet in the base: select nothing there.
    return HeapSelector{HeapKind::kArena, fmt::kArenaUnknown};
  }
}

}  // namespace

StatResult compute_stat(const HeapModel& model, Symbolizer* symbolizer, const StatOptions& options,
                        const HeapModel* base, Symbolizer* base_symbolizer) {
  StatResult result;
  result.by = options.by;
  result.heap = options.heap;
  result.has_base = base != nullptr;

  BlockGrouper grouper(options.by, model, symbolizer, options.labels);
  Tally now = tally(model, grouper, selection(model, options.heap, true));
  result.busy_bytes = now.busy_bytes;
  result.busy_blocks = now.busy_blocks;

  std::vector<StatGroup> groups;
  groups.reserve(now.counts.size());
  for (uint32_t g = 0; g < now.counts.size(); ++g) {
    const Counts& c = now.counts[g];
    if (c.blocks == 0) continue;
    StatGroup group;
    group.info = grouper.group(g);
    group.blocks = c.blocks;
    group.total = c.total;
    if (!c.mixed_sizes) group.size = c.first_size;
    groups.push_back(std::move(group));
  }

  if (base) {
    BlockGrouper base_grouper(options.by, *base, base_symbolizer, options.labels);
    Tally before = tally(*base, base_grouper, selection(*base, options.heap, false));
    result.base_busy_bytes = before.busy_bytes;
    result.base_busy_blocks = before.busy_blocks;
    std::unordered_map<GroupKey, size_t, GroupKeyHash> index_of;
    for (size_t i = 0; i < groups.size(); ++i) index_of.emplace(groups[i].info.key, i);
    for (uint32_t g = 0; g < before.counts.size(); ++g) {
      const Counts& c = before.counts[g];
      if (c.blocks == 0) continue;
      const GroupInfo& info = base_grouper.group(g);
      auto it = index_of.find(info.key);
      if (it == index_of.end()) {
        StatGroup vanished;
        vanished.info = info;
        if (!c.mixed_sizes) vanished.size = c.first_size;
        it = index_of.emplace(info.key, groups.size()).first;
        groups.push_back(std::move(vanished));
      }
      groups[it->second].base_blocks = c.blocks;
      groups[it->second].base_total = c.total;
    }
  }

  for (StatGroup& group : groups)
    group.percent = result.busy_bytes ? 100.0 * static_cast<double>(group.total) /
                                            static_cast<double>(result.busy_bytes)
                                      : 0.0;
  // Ties break on the key so that the order never depends on hash-table iteration.
  auto by_total = [](const StatGroup& a, const StatGroup& b) {
    if (a.total != b.total) return a.total > b.total;
    if (a.blocks != b.blocks) return a.blocks > b.blocks;
    return a.info.key < b.info.key;
  };
  auto by_growth = [&](const StatGroup& a, const StatGroup& b) {
    if (a.growth_bytes() != b.growth_bytes()) return a.growth_bytes() > b.growth_bytes();
    return by_total(a, b);
  };
  result.group_count = groups.size();
  size_t keep = options.top == 0 ? groups.size() : std::min(options.top, groups.size());
  if (base)
    std::partial_sort(groups.begin(), groups.begin() + static_cast<ptrdiff_t>(keep), groups.end(),
                      by_growth);
  else
    std::partial_sort(groups.begin(), groups.begin() + static_cast<ptrdiff_t>(keep), groups.end(),
                      by_total);
  groups.resize(keep);
  result.groups = std::move(groups);
  return result;
}

}  // namespace leakdbg
