#include "analysis/reach_summary.h"

#include <algorithm>
#include <unordered_set>

#include "util/error.h"

namespace leakdbg {
namespace {

const Region* find_region_containing(const HeapModel& model, uint64_t address) {
  auto it = std::upper_bound(model.regions.begin(), model.regions.end(), address,
                             [](uint64_t value, const Region& r) { return value < r.address; });
  if (it == model.regions.begin()) return nullptr;
  const Region& r = *std::prev(it);
  return address - r.address < r.length ? &r : nullptr;
}

ReferrerInfo describe(const HeapModel& model, ReferrerKind kind, uint64_t slot, uint32_t tid,
                      uint64_t target) {
  ReferrerInfo info;
  info.kind = kind;
  info.slot = slot;
  info.tid = tid;
  info.target = target;
  if (kind == ReferrerKind::kBlock) {
    info.holder = model.find_block_containing(slot);
    if (info.holder) {
      info.offset = slot - info.holder->address;
    } else {
      info.region = find_region_containing(model, slot);
      if (info.region) info.offset = slot - info.region->address;
    }
  } else if (kind == ReferrerKind::kMemory) {
    info.module = model.find_module(slot);
  }
  return info;
}

template <class Item>
ReferrerInfo parent_of(const HeapModel& model, const Item& item) {
  ReferrerInfo info =
      describe(model, item.parent_kind, item.parent_slot, item.parent_tid, item.address);
  info.parent = true;
  return info;
}

// The totals of class `c` among four (reachable, possibly, indirect, unreachable).
template <class Totals>
Totals* totals_for(ReachClass c, Totals& reachable, Totals& possibly, Totals& indirect,
                   Totals& unreachable) {
  switch (c) {
    case ReachClass::kReachable:
      return &reachable;
    case ReachClass::kPossibly:
      return &possibly;
    case ReachClass::kIndirect:
      return &indirect;
    case ReachClass::kUnreachable:
      return &unreachable;
    case ReachClass::kUnknown:
      break;
  }
  return nullptr;
}

// Follows parents from `item` (a block or region) up to a root, or to the head of a lost
// tree; the steps root first.
template <class Item>
std::vector<ReferrerInfo> path_from(const HeapModel& model, const Item& item) {
  std::vector<ReferrerInfo> path;
  std::unordered_set<uint64_t> seen{item.address};
  ReferrerInfo step = parent_of(model, item);
  while (step.kind != ReferrerKind::kNone) {
    path.push_back(step);
    if (step.kind != ReferrerKind::kBlock) break;
    const uint64_t next = step.holder   ? step.holder->address
                          : step.region ? step.region->address
                                        : 0;
    if (!next || !seen.insert(next).second) break;  // unknown holder, or a cycle of lost ones
    step = step.holder ? parent_of(model, *step.holder) : parent_of(model, *step.region);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace

ReachSummary summarize_reachability(const HeapModel& model) {
  ReachSummary summary;
  summary.scan = model.reachability;
  summary.classified = model.caps.reachability;
  if (!summary.classified) return summary;
  for (const Block& b : model.blocks) {
    ClassTotals* totals = totals_for(b.reach, summary.reachable, summary.possibly, summary.indirect,
                                     summary.unreachable);
    if (!totals) continue;
    ++totals->blocks;
    totals->bytes += b.size;
  }
  summary.regions_classified = model.caps.region_classes;
  for (const Region& r : model.regions) {
    ClassTotals* totals = totals_for(r.reach, summary.region_reachable, summary.region_possibly,
                                     summary.region_indirect, summary.region_unreachable);
    if (!totals) continue;
    ++totals->blocks;
    totals->bytes += r.length;
  }
  return summary;
}

const ClassTotals& totals_of(const ReachSummary& summary, ReachClass c) {
  static const ClassTotals kNone;
  const ClassTotals* totals =
      totals_for(c, summary.reachable, summary.possibly, summary.indirect, summary.unreachable);
  return totals ? *totals : kNone;
}

const ClassTotals& region_totals_of(const ReachSummary& summary, ReachClass c) {
  static const ClassTotals kNone;
  const ClassTotals* totals = totals_for(c, summary.region_reachable, summary.region_possibly,
                                         summary.region_indirect, summary.region_unreachable);
  return totals ? *totals : kNone;
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

namespace {

// The parent, then the others `recorded` (sorted by target) holds for the item.
template <class Item>
ReferrerList referrers_from(const HeapModel& model, const Item& item,
                            const std::vector<Referrer>& recorded) {
  ReferrerList list;
  if (item.parent_kind != ReferrerKind::kNone) list.referrers.push_back(parent_of(model, item));
  auto it =
      std::lower_bound(recorded.begin(), recorded.end(), item.address,
                       [](const Referrer& r, uint64_t address) { return r.target < address; });
  for (; it != recorded.end() && it->target == item.address; ++it)
    list.referrers.push_back(describe(model, it->kind, it->slot, it->tid, it->target));
  list.total = std::max<uint64_t>(item.referrer_count, list.referrers.size());
  return list;
}

}  // namespace

ReferrerList referrers_of(const HeapModel& model, const Block& block) {
  return referrers_from(model, block, model.referrers);
}

ReferrerList referrers_of(const HeapModel& model, const Region& region) {
  return referrers_from(model, region, model.region_referrers);
}

std::vector<ReferrerInfo> retainer_path(const HeapModel& model, const Block& block) {
  return path_from(model, block);
}

std::vector<ReferrerInfo> retainer_path(const HeapModel& model, const Region& region) {
  return path_from(model, region);
}

}  // namespace leakdbg
