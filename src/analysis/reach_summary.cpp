#include "analysis/reach_summary.h"

#include <algorithm>
#include <unordered_set>

#include "util/error.h"

namespace leakdbg {
namespace {

ReferrerInfo describe(const HeapModel& model, ReferrerKind kind, uint64_t slot, uint32_t tid,
                      uint64_t target) {
  ReferrerInfo info;
  info.kind = kind;
  info.slot = slot;
  info.tid = tid;
  info.target = target;
  if (kind == ReferrerKind::kBlock) {
    info.holder = model.find_block_containing(slot);
    if (info.holder) info.offset = slot - info.holder->address;
  } else if (kind == ReferrerKind::kMemory) {
    info.module = model.find_module(slot);
  }
  return info;
}

ReferrerInfo parent_of(const HeapModel& model, const Block& block) {
  ReferrerInfo info =
      describe(model, block.parent_kind, block.parent_slot, block.parent_tid, block.address);
  info.parent = true;
  return info;
}

}  // namespace

ReachSummary summarize_reachability(const HeapModel& model) {
  ReachSummary summary;
  summary.scan = model.reachability;
  summary.classified = model.caps.reachability;
  if (!summary.classified) return summary;
  for (const Block& b : model.blocks) {
    ClassTotals* totals = nullptr;
    switch (b.reach) {
      case ReachClass::kReachable:
        totals = &summary.reachable;
        break;
      case ReachClass::kPossibly:
        totals = &summary.possibly;
        break;
      case ReachClass::kIndirect:
        totals = &summary.indirect;
        break;
      case ReachClass::kUnreachable:
        totals = &summary.unreachable;
        break;
      case ReachClass::kUnknown:
        break;
    }
    if (!totals) continue;
    ++totals->blocks;
    totals->bytes += b.size;
  }
  return summary;
}

const ClassTotals& totals_of(const ReachSummary& summary, ReachClass c) {
  static const ClassTotals kNone;
  switch (c) {
    case ReachClass::kReachable:
      return summary.reachable;
    case ReachClass::kPossibly:
      return summary.possibly;
    case ReachClass::kIndirect:
      return summary.indirect;
    case ReachClass::kUnreachable:
      return summary.unreachable;
    case ReachClass::kUnknown:
      break;
  }
  return kNone;
}

void require_reachability(const HeapModel& model) {
  if (model.caps.reachability) return;
  if (!model.reachability.attempted)
    throw Error(model.source_path +
                ": no reachability in this snapshot (take one with `leakdbg snap PID "
                "--reachability`, or `leakdbg run --reachability`)");
  throw Error(model.source_path + ": the reachability scan of this snapshot did not complete (" +
              std::string(reach_status_name(model.reachability.status)) + ")");
}

ReferrerList referrers_of(const HeapModel& model, const Block& block) {
  ReferrerList list;
  list.total = block.referrer_count;
  if (block.parent_kind != ReferrerKind::kNone) list.referrers.push_back(parent_of(model, block));
  auto it =
      std::lower_bound(model.referrers.begin(), model.referrers.end(), block.address,
                       [](const Referrer& r, uint64_t address) { return r.target < address; });
  for (; it != model.referrers.end() && it->target == block.address; ++it)
    list.referrers.push_back(describe(model, it->kind, it->slot, it->tid, it->target));
  list.total = std::max<uint64_t>(list.total, list.referrers.size());
  return list;
}

std::vector<ReferrerInfo> retainer_path(const HeapModel& model, const Block& block) {
  std::vector<ReferrerInfo> path;
  std::unordered_set<uint64_t> seen{block.address};
  const Block* current = &block;
  while (current->parent_kind != ReferrerKind::kNone) {
    ReferrerInfo step = parent_of(model, *current);
    path.push_back(step);
    if (step.kind != ReferrerKind::kBlock || !step.holder) break;
    if (!seen.insert(step.holder->address).second) break;  // a cycle among lost blocks
    current = step.holder;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace leakdbg
