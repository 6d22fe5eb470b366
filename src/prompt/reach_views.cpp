#include "prompt/reach_views.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <string>

#include "analysis/reach_summary.h"
#include "prompt/windbg_views.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"

namespace leakdbg::prompt {
namespace {

std::string hex(uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "%" PRIx64, value);
  return text;
}

std::string describe(const ReferrerInfo& r) {
  switch (r.kind) {
    case ReferrerKind::kBlock:
      if (r.holder) return "block " + hex(r.holder->address) + " +" + hex(r.offset);
      if (r.region) return "mmap region " + hex(r.region->address) + " +" + hex(r.offset);
      return "block word at " + hex(r.slot);
    case ReferrerKind::kMemory:
      return (r.module ? "global in " + r.module->path : std::string("memory")) + " at " +
             hex(r.slot);
    case ReferrerKind::kStack:
      return "stack of thread " + std::to_string(r.tid) + " at " + hex(r.slot);
    case ReferrerKind::kTls:
      return "TLS of thread " + std::to_string(r.tid) + " at " + hex(r.slot);
    case ReferrerKind::kRegister:
      return "register #" + std::to_string(r.slot) + " of thread " + std::to_string(r.tid);
    case ReferrerKind::kNone:
      break;
  }
  return "none";
}

}  // namespace

namespace {

struct LeakGroup {
  uint64_t items = 0, bytes = 0;
  std::vector<uint64_t> addresses;
};

// Groups of lost items by allocation stack, largest first, as `!heap -l` lists them.
void print_groups(const std::map<uint32_t, LeakGroup>& by_stack, const char* what,
                  const char* items, Symbolizer& symbolizer, std::ostream& out) {
  std::vector<std::pair<uint32_t, const LeakGroup*>> order;
  for (const auto& [stack, group] : by_stack) order.push_back({stack, &group});
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second->bytes > b.second->bytes; });
  for (const auto& [stack, group] : order) {
    out << hex(group->items) << ' ' << what << ", " << hex(group->bytes)
        << " bytes, allocated at:\n";
    for (const SymbolicFrame& frame : symbolizer.frames_of(stack))
      out << "        " << windbg_frame(frame) << '\n';
    out << "    " << items << ':';
    for (uint64_t address : group->addresses) out << ' ' << hex(address);
    if (group->items > group->addresses.size()) out << " ...";
    out << "\n\n";
  }
}

void add_to(std::map<uint32_t, LeakGroup>& by_stack, uint32_t stack, uint64_t address,
            uint64_t bytes) {
  LeakGroup& g = by_stack[stack];
  ++g.items;
  g.bytes += bytes;
  if (g.addresses.size() < 8) g.addresses.push_back(address);
}

}  // namespace

void print_leaked_blocks(const HeapModel& model, Symbolizer& symbolizer, std::ostream& out) {
  require_reachability(model);
  std::map<uint32_t, LeakGroup> blocks, regions;
  uint64_t block_total = 0, region_total = 0;
  for (const Block& b : model.blocks) {
    if (b.reach != ReachClass::kUnreachable) continue;
    add_to(blocks, b.stack_id, b.address, b.size);
    ++block_total;
  }
  for (const Region& r : model.regions) {
    if (r.reach != ReachClass::kUnreachable) continue;
    add_to(regions, r.stack_id, r.address, r.length);
    ++region_total;
  }
  print_groups(blocks, "leaked blocks", "blocks", symbolizer, out);
  print_groups(regions, "leaked mmap regions", "regions", symbolizer, out);
  out << hex(block_total) << " leaked heap blocks\n";
  if (region_total) out << hex(region_total) << " leaked mmap regions\n";
}

namespace {

template <class Item>
void print_references(const HeapModel& model, const Item& item, const char* what, uint64_t size,
                      std::ostream& out) {
  out << what << ' ' << hex(item.address) << " size " << hex(size) << " ("
      << reach_class_name(item.reach) << ")\n";
  ReferrerList list = referrers_of(model, item);
  out << "referenced by " << list.total << ":\n";
  for (const ReferrerInfo& r : list.referrers) out << "    " << describe(r) << '\n';
  if (list.total > list.referrers.size())
    out << "    (" << list.total - list.referrers.size() << " more not recorded)\n";
  std::vector<ReferrerInfo> path = retainer_path(model, item);
  if (path.empty()) return;
  out << "retainer path:\n";
  for (const ReferrerInfo& step : path) out << "    " << describe(step) << '\n';
  out << "    this " << what << "\n";
}

// The classified region holding `address`, if any.
const Region* classified_region(const HeapModel& model, uint64_t address) {
  if (!model.caps.region_classes) return nullptr;
  auto it = std::upper_bound(model.regions.begin(), model.regions.end(), address,
                             [](uint64_t value, const Region& r) { return value < r.address; });
  if (it == model.regions.begin()) return nullptr;
  const Region& r = *std::prev(it);
  return address - r.address < r.length && r.reach != ReachClass::kUnknown ? &r : nullptr;
}

}  // namespace

void print_block_references(const HeapModel& model, uint64_t address, std::ostream& out) {
  require_reachability(model);
  if (const Block* block = model.find_block_containing(address))
    return print_references(model, *block, "block", block->size, out);
  if (const Region* region = classified_region(model, address))
    return print_references(model, *region, "mmap region", region->length, out);
  throw Error("address " + hex(address) + " is in no tracked block");
}

}  // namespace leakdbg::prompt
