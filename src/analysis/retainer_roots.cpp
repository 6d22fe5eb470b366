#include "analysis/retainer_roots.h"

namespace leakdbg {

std::vector<uint32_t> retainer_tops(const HeapModel& model) {
  if (!model.caps.reachability) return {};
  const size_t count = model.blocks.size();
  constexpr uint32_t kUnvisited = UINT32_MAX - 1;
  std::vector<uint32_t> top(count, kUnvisited);
  std::vector<uint32_t> chain;
  for (size_t start = 0; start < count; ++start) {
    if (top[start] != kUnvisited) continue;
    // Up the parents until a root, a block already known, or a dead end.
    uint32_t found = kNoRetainerTop;
    size_t current = start;
    for (;;) {
      const Block& block = model.blocks[current];
      if (block.reach == ReachClass::kUnreachable || block.reach == ReachClass::kIndirect ||
          block.reach == ReachClass::kUnknown || block.parent_kind == ReferrerKind::kNone)
        break;
      if (block.parent_kind != ReferrerKind::kBlock) {
        found = static_cast<uint32_t>(current);
        break;
      }
      const Block* holder = model.find_block_containing(block.parent_slot);
      if (!holder) break;
      const auto next = static_cast<size_t>(holder - model.blocks.data());
      if (top[next] != kUnvisited) {
        found = top[next];
        break;
      }
      // Marked before moving on, so that a cycle (impossible from a breadth-first scan, but
      // a file may say anything) ends at a block already on the chain.
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
