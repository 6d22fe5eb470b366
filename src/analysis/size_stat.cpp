#include "analysis/size_stat.h"

#include <algorithm>
#include <unordered_map>

#include "analysis/heap_select.h"
#include "analysis/reach_summary.h"
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
Tally tally(const HeapModel& model, BlockGrouper& grouper, const std::optional<HeapSelector>& heap,
            std::optional<ReachClass> reach) {
  if (!model.caps.reachability) reach.reset();
  Tally result;
  auto add = [&](uint32_t group, uint64_t size) {
    if (group >= result.counts.size()) result.counts.resize(size_t{group} + 1);
    result.counts[group].add(size);
    result.busy_bytes += size;
    ++result.busy_blocks;
  };
  if (heap && !heap->holds_blocks() && !reach) {
    for (const Region& region : model.regions)
      if (heap->holds(region)) add(grouper.group_of(region), region.length);
    return result;
  }
  const bool by_class = reach.has_value();
  const ReachClass wanted = reach.value_or(ReachClass::kUnknown);
  for (const Block& block : model.blocks)
    if ((!heap || heap->holds(block)) && (!by_class || block.reach == wanted))
      add(grouper.group_of(block), block.size);
  // Classified mmap regions are live blocks too (`blocks --class` lists them alike): a class
  // filter counts those of the class, under their own allocation sites.
  if (by_class && model.caps.region_classes)
    for (const Region& region : model.regions)
      if (region.reach == wanted && (!heap || heap->holds(region)))
        add(grouper.group_of(region), region.length);
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
    return HeapSelector{HeapKind::kArena, kArenaUnknown};
  }
}

// Busy bytes of the selection when a heap in it was listed only in part: the listed blocks
// of complete heaps plus the stated totals of partial ones; 0 when every heap is complete.
// A reachability filter selects blocks (and regions) the statement does not cover.
uint64_t stated_busy(const HeapModel& model, const std::optional<HeapSelector>& heap,
                     uint64_t busy_bytes, bool filtered) {
  if (filtered) return 0;
  uint64_t stated = busy_bytes;
  bool partial = false;
  for (const Arena& arena : model.arenas) {
    HeapSelector selector{HeapKind::kArena, arena.index};
    if (arena.stated_busy_bytes == 0 || (heap && !(*heap == selector))) continue;
    uint64_t listed = 0;
    for (const Block& block : model.blocks)
      if (selector.holds(block)) listed += block.size;
    if (arena.stated_busy_bytes <= listed) continue;
    stated += arena.stated_busy_bytes - listed;
    partial = true;
  }
  return partial ? stated : 0;
}

}  // namespace

StatResult compute_stat(const HeapModel& model, Symbolizer* symbolizer, const StatOptions& options,
                        const HeapModel* base, Symbolizer* base_symbolizer) {
  StatResult result;
  result.by = options.by;
  result.heap = options.heap;
  result.has_base = base != nullptr;

  if (options.reach) require_reachability(model);
  BlockGrouper grouper(options.by, model, symbolizer, options.labels);
  Tally now = tally(model, grouper, selection(model, options.heap, true), options.reach);
  result.busy_bytes = now.busy_bytes;
  result.busy_blocks = now.busy_blocks;
  result.stated_busy_bytes = stated_busy(model, selection(model, options.heap, true),
                                         now.busy_bytes, options.reach.has_value());

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
    Tally before = tally(*base, base_grouper, selection(*base, options.heap, false), options.reach);
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

  // WinDbg's percentages are of the heap's whole busy total, not of the groups it printed.
  uint64_t whole = result.stated_busy_bytes ? result.stated_busy_bytes : result.busy_bytes;
  for (StatGroup& group : groups)
    group.percent =
        whole ? 100.0 * static_cast<double>(group.total) / static_cast<double>(whole) : 0.0;
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
