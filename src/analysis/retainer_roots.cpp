#include "analysis/retainer_roots.h"

#include <algorithm>

namespace leakdbg {
namespace {

// The item holding `address`: a block, else a region; kNoRetainerTop if none.
uint32_t item_containing(const HeapModel& model, uint64_t address) {
  if (const Block* block = model.find_block_containing(address))
    return static_cast<uint32_t>(block - model.blocks.data());
  auto it = std::upper_bound(model.regions.begin(), model.regions.end(), address,
                             [](uint64_t value, const Region& r) { return value < r.address; });
  if (it == model.regions.begin()) return kNoRetainerTop;
  const Region& r = *std::prev(it);
  if (address - r.address >= r.length) return kNoRetainerTop;
  return static_cast<uint32_t>(model.blocks.size() +
                               static_cast<size_t>(&r - model.regions.data()));
}

struct ItemReach {
  ReachClass reach;
  ReferrerKind parent_kind;
  uint64_t parent_slot;
};

ItemReach item_reach(const HeapModel& model, size_t item) {
  if (item < model.blocks.size()) {
    const Block& b = model.blocks[item];
    return {b.reach, b.parent_kind, b.parent_slot};
  }
  const Region& r = model.regions[item - model.blocks.size()];
  return {r.reach, r.parent_kind, r.parent_slot};
}

}  // namespace

std::vector<uint32_t> retainer_tops(const HeapModel& model) {
  if (!model.caps.reachability) return {};
  const size_t count = model.blocks.size() + (model.caps.region_classes ? model.regions.size() : 0);
  constexpr uint32_t kUnvisited = UINT32_MAX - 1;
  std::vector<uint32_t> top(model.blocks.size() + model.regions.size(), kUnvisited);
  // Without region classes a region is held by nothing the scan knows: a dead end.
  for (size_t i = count; i < top.size(); ++i) top[i] = kNoRetainerTop;
  std::vector<uint32_t> chain;
  for (size_t start = 0; start < count; ++start) {
    if (top[start] != kUnvisited) continue;
    // Up the parents until a root, an item already known, or a dead end.
    uint32_t found = kNoRetainerTop;
    size_t current = start;
    for (;;) {
      const ItemReach item = item_reach(model, current);
      if (item.reach == ReachClass::kUnreachable || item.reach == ReachClass::kIndirect ||
          item.reach == ReachClass::kUnknown || item.parent_kind == ReferrerKind::kNone)
        break;
      if (item.parent_kind != ReferrerKind::kBlock) {
        found = static_cast<uint32_t>(current);
        break;
      }
      const uint32_t next = item_containing(model, item.parent_slot);
      if (next == kNoRetainerTop) break;
      if (top[next] != kUnvisited) {
        found = top[next];
        break;
      }
      // Marked before moving on, so that a cycle (impossible from a breadth-first scan, but
      // a file may say anything) ends at an item already on the chain.
      top[current] = kNoRetainerTop;
      chain.push_back(static_cast<uint32_t>(current));
      current = next;
    }
    top[current] = found;
    for (uint32_t i : chain) top[i] = found;
    chain.clear();
  }
  return top;
}

}  // namespace leakdbg
