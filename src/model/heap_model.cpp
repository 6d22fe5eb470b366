#include "model/heap_model.h"

#include <algorithm>

namespace leakdbg {

std::string_view api_name(ApiKind kind) {
  switch (kind) {
    case ApiKind::kMalloc:
      return "malloc";
    case ApiKind::kCalloc:
      return "calloc";
    case ApiKind::kRealloc:
      return "realloc";
    case ApiKind::kReallocArray:
      return "reallocarray";
    case ApiKind::kMemalign:
      return "memalign";
    case ApiKind::kPosixMemalign:
      return "posix_memalign";
    case ApiKind::kAlignedAlloc:
      return "aligned_alloc";
    case ApiKind::kValloc:
      return "valloc";
    case ApiKind::kPvalloc:
      return "pvalloc";
    case ApiKind::kNew:
      return "new";
    case ApiKind::kNewArray:
      return "new[]";
    case ApiKind::kNewAligned:
      return "new(align)";
    case ApiKind::kNewArrayAligned:
      return "new[](align)";
    case ApiKind::kMmap:
      return "mmap";
    case ApiKind::kMremap:
      return "mremap";
    case ApiKind::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view trigger_name(Trigger trigger) {
  switch (trigger) {
    case Trigger::kInterval:
      return "interval";
    case Trigger::kRequest:
      return "request";
    case Trigger::kExit:
      return "exit";
    case Trigger::kApi:
      return "api";
    case Trigger::kSignal:
      return "signal";
    case Trigger::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view reach_class_name(ReachClass c) {
  switch (c) {
    case ReachClass::kReachable:
      return "reachable";
    case ReachClass::kPossibly:
      return "possibly";
    case ReachClass::kIndirect:
      return "indirect";
    case ReachClass::kUnreachable:
      return "unreachable";
    case ReachClass::kUnknown:
      break;
  }
  return "unknown";
}

std::optional<ReachClass> parse_reach_class(std::string_view name) {
  for (ReachClass c : {ReachClass::kReachable, ReachClass::kPossibly, ReachClass::kIndirect,
                       ReachClass::kUnreachable})
    if (name == reach_class_name(c)) return c;
  return std::nullopt;
}

std::string_view referrer_kind_name(ReferrerKind kind) {
  switch (kind) {
    case ReferrerKind::kBlock:
      return "block";
    case ReferrerKind::kMemory:
      return "global";
    case ReferrerKind::kStack:
      return "stack";
    case ReferrerKind::kTls:
      return "tls";
    case ReferrerKind::kRegister:
      return "register";
    case ReferrerKind::kNone:
      break;
  }
  return "none";
}

std::string_view reach_status_name(ReachStatus status) {
  switch (status) {
    case ReachStatus::kComplete:
      return "complete";
    case ReachStatus::kThreadsNotStopped:
      return "threads-not-stopped";
    case ReachStatus::kUnsupported:
      return "unsupported";
    case ReachStatus::kSignalTaken:
      return "signal-taken";
    case ReachStatus::kOutOfMemory:
      return "out-of-memory";
    case ReachStatus::kScanFailed:
      return "scan-failed";
    case ReachStatus::kTooManyBlocks:
      return "too-many-blocks";
  }
  return "unknown";
}

const Block* HeapModel::find_block(uint64_t address) const {
  auto it = std::lower_bound(blocks.begin(), blocks.end(), address,
                             [](const Block& b, uint64_t value) { return b.address < value; });
  return it != blocks.end() && it->address == address ? &*it : nullptr;
}

bool Module::contains(uint64_t address) const {
  return std::any_of(segments.begin(), segments.end(),
                     [&](const Segment& s) { return address >= s.start && address < s.end; });
}

const Stack* HeapModel::find_stack(uint32_t id) const {
  if (id == 0) return nullptr;
  // Ids are usually dense from 1, so the stack is usually at index id - 1.
  if (id <= stacks.size() && stacks[id - 1].id == id) return &stacks[id - 1];
  auto it = std::lower_bound(stacks.begin(), stacks.end(), id,
                             [](const Stack& s, uint32_t value) { return s.id < value; });
  return it != stacks.end() && it->id == id ? &*it : nullptr;
}

const Block* HeapModel::find_block_containing(uint64_t address) const {
  auto it = std::upper_bound(blocks.begin(), blocks.end(), address,
                             [](uint64_t value, const Block& b) { return value < b.address; });
  if (it == blocks.begin()) return nullptr;
  const Block& b = *std::prev(it);
  // Blocks do not overlap, so only the last block starting at or below the address can hold
  // it. A zero-sized block still owns its own address (malloc(0) returns a unique pointer).
  uint64_t extent = std::max<uint64_t>(b.size, 1);
  return address - b.address < extent ? &b : nullptr;
}

const Module* HeapModel::find_module(uint64_t address) const {
  // A dlclose'd module's range may have been reused by a later one: prefer loaded modules.
  const Module* unloaded_match = nullptr;
  for (const Module& m : modules) {
    if (!m.contains(address)) continue;
    if (!m.unloaded) return &m;
    if (!unloaded_match) unloaded_match = &m;
  }
  return unloaded_match;
}

uint64_t HeapModel::heap_bytes() const {
  uint64_t total = 0;
  for (const Block& b : blocks) total += b.size;
  return total;
}

uint64_t HeapModel::region_bytes() const {
  uint64_t total = 0;
  for (const Region& r : regions)
    if (!r.file_backed()) total += r.length;
  return total;
}

double HeapModel::age_seconds(const Block& b) const {
  if (tick_ns == 0 || b.alloc_tick >= current_tick) return 0.0;
  return static_cast<double>(current_tick - b.alloc_tick) * static_cast<double>(tick_ns) / 1e9;
}

}  // namespace leakdbg
