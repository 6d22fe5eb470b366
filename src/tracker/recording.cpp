// The recording half of every hook: stack capture and interning in the stack depot, the
// block kept in the heap shadow or the live table, the thread's counters, and mappings.
#include <sys/mman.h>

#include "tracker/own_code.h"
#include "tracker/thread_counters.h"
#include "tracker/thread_stacks.h"
#include "tracker/thread_state.h"
#include "tracker/tracker_state.h"
#include "unwind/unwind.h"

namespace leakdbg::tracker {

Config g_config;
constinit LiveTable g_live;
constinit HeapShadow g_shadow;
std::atomic<bool> g_live_table_used{false};
constinit StackDepot g_depot;
constinit RegionTable g_regions;
std::atomic<TrackerMode> g_mode{TrackerMode::kUninitialized};
std::atomic<uint32_t> g_tick{0};
bool g_allocator_is_glibc = false;
Counters g_counters;

__thread int t_guard_depth __attribute__((tls_model("initial-exec"))) = 0;
__thread uint32_t t_thread_id __attribute__((tls_model("initial-exec"))) = 0;
__thread int* t_errno_address __attribute__((tls_model("initial-exec"))) = nullptr;

__attribute__((noinline, cold)) uint32_t first_sight_of_thread(const RecursionGuard& guard) {
  t_thread_id = static_cast<uint32_t>(syscall(SYS_gettid));
  note_own_thread_stack(guard, t_thread_id);
  return t_thread_id;
}

namespace {

// Room for the tracker's own frames on top of the program's, stripped after capture.
constexpr int kOwnFrameAllowance = 8;

// The depot id of a captured stack, with kTruncatedBit set when the stack was cut at the
// frame limit (so that a replayed capture counts as truncated too).
constexpr uint32_t kTruncatedBit = 1u << 31;

// The stacks this thread interned lately, by hash: a program allocating from a few hundred
// places finds its stack here, next to the frames to compare, without touching the depot's
// shared bucket table (a cache miss per lookup once it outgrows the cache).
struct RecentStack {
  uint64_t hash;
  const StackDepot::Stack* stack;
};
constexpr uint32_t kRecentStacks = 256;
__thread RecentStack t_recent_stacks[kRecentStacks] __attribute__((tls_model("initial-exec")));

uint32_t intern_frames(const uintptr_t* frames, uint32_t depth) {
  const uint64_t hash = StackDepot::hash(frames, depth);
  RecentStack& recent = t_recent_stacks[hash % kRecentStacks];
  if (recent.stack != nullptr && StackDepot::same_frames(recent.stack, hash, frames, depth))
    return recent.stack->id;
  const uint32_t id = g_depot.intern(frames, depth, hash);
  if (id != 0) recent = RecentStack{hash, g_depot.get(id)};
  return id;
}

uint32_t intern_stack(uintptr_t* frames, int depth, int max) {
  int first = 0;
  while (first < depth && is_own_code(frames[first])) ++first;
  int kept = depth - first;
  bool truncated = depth == max;
  if (kept > g_config.max_frames) {
    kept = g_config.max_frames;
    truncated = true;
  }
  const uint32_t id = intern_frames(frames + first, static_cast<uint32_t>(kept));
  return id != 0 && truncated ? id | kTruncatedBit : id;
}

uint32_t capture_stack_id(const RecursionGuard&) {
  uintptr_t frames[256 + kOwnFrameAllowance];
  int max = g_config.max_frames + kOwnFrameAllowance;
  // A stack this thread captured moments ago keeps its id beside it: a loop that allocates
  // from one place skips the trimming, hashing and lookup below.
  const unwind::MemoCapture captured = unwind::capture_memo(frames, max, 0);
  uint32_t id;
  if (captured.frames_written) {
    id = intern_stack(frames, captured.count, max);
    if (captured.memo != nullptr) *captured.memo = id;
  } else {
    id = *captured.memo;
  }
  if (id & kTruncatedBit) [[unlikely]] {
    g_counters.truncated_stacks.fetch_add(1, std::memory_order_relaxed);
    id &= ~kTruncatedBit;
  }
  return id;
}

bool release_matches(uint8_t api, ReleaseKind kind) {
  switch (static_cast<fmt::ApiKind>(api)) {
    case fmt::ApiKind::kNew:
      return kind == ReleaseKind::kDelete;
    case fmt::ApiKind::kNewArray:
      return kind == ReleaseKind::kDeleteArray;
    case fmt::ApiKind::kNewAligned:
      return kind == ReleaseKind::kDeleteAligned;
    case fmt::ApiKind::kNewArrayAligned:
      return kind == ReleaseKind::kDeleteArrayAligned;
    default:
      return kind == ReleaseKind::kFree;
  }
}

}  // namespace

namespace {

// The shadow's memory bound: beyond kShadowFloor it may use at most kShadowBytesPerBlock per
// block it holds, what the table costs them at its dearest (24-byte slots at 68% load),
// else blocks on pages it has not touched yet go to the table. Heaps of small blocks stay
// inside (24-32 bytes per block); heaps of blocks of a few hundred bytes or more, where the
// shadow costs 16 bytes per 32 bytes of heap whatever the block count, go to the table,
// whose cost follows the live blocks. The floor is kept small because it is paid in full
// by every heap larger than it: 4 MiB of shadow covers 8 MiB of heap, enough for a
// program's busy small-block working set.
constexpr size_t kShadowFloor = size_t{4} << 20;
constexpr uint64_t kShadowBytesPerBlock = 36;

}  // namespace

bool shadow_within_budget(size_t shadow_bytes) {
  if (shadow_bytes <= kShadowFloor) return true;
  const uint64_t live = live_totals().blocks;
  const uint64_t in_table = g_live.total_blocks();
  const uint64_t in_shadow = live > in_table ? live - in_table : 0;
  return shadow_bytes <= kShadowBytesPerBlock * in_shadow;
}

namespace {

// The shadow when the block fits it, the LiveTable otherwise. False if neither can keep it.
bool keep_block(const RecursionGuard& guard, const LiveBlock& block) {
  LiveBlock replaced;
  switch (g_shadow.insert(block, &replaced)) {
    case HeapShadow::Insert::kStored:
      return true;
    case HeapShadow::Insert::kReplaced:
      count_vanished(guard, replaced.size);
      return true;
    case HeapShadow::Insert::kNotStorable:
      break;
  }
  if (!g_live_table_used.load(std::memory_order_relaxed))
    g_live_table_used.store(true, std::memory_order_relaxed);
  return g_live.insert(block);
}

}  // namespace

// Flattened: the capture, shadow insert and counters inlined here took about 7% off the
// tracked alloc_bench run (the calls, and one tracker frame less for every capture to check).
__attribute__((flatten)) void record_allocation(const RecursionGuard& guard, void* p, size_t size,
                                                fmt::ApiKind api) {
  // The new block's shadow entry is often out of cache (in alloc_bench its load was 5% of
  // the run): started here, its miss overlaps with the stack capture.
  g_shadow.prefetch(reinterpret_cast<uintptr_t>(p));
  LiveBlock block;
  block.address = reinterpret_cast<uintptr_t>(p);
  block.size = size;
  block.stack_id = capture_stack_id(guard);
  block.thread_id = current_thread_id(guard);
  block.tick = g_tick.load(std::memory_order_relaxed);
  block.api = static_cast<uint8_t>(api);
  if (!keep_block(guard, block)) {
    g_counters.dropped_events.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  count_alloc(guard, block.stack_id, size);
}

bool record_release(const RecursionGuard& guard, void* p, ReleaseKind kind, LiveBlock* removed) {
  LiveBlock block;
  const auto address = reinterpret_cast<uintptr_t>(p);
  if (!g_shadow.remove(address, &block, release_mark()) &&
      !(g_live_table_used.load(std::memory_order_relaxed) && g_live.remove(address, &block))) {
    g_counters.unknown_frees.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  count_free(guard, block.stack_id, block.size);
  if (!release_matches(block.api, kind))
    g_counters.mismatched_frees.fetch_add(1, std::memory_order_relaxed);
  if (removed) *removed = block;
  return true;
}

void restore_block(const RecursionGuard& guard, const LiveBlock& block) {
  if (!keep_block(guard, block)) {
    g_counters.dropped_events.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Undo the free counted by record_release: the block never went away.
  uncount_free(guard, block.stack_id, block.size);
}

void record_mapping(const RecursionGuard& guard, void* address, size_t length, int prot, int flags,
                    fmt::ApiKind api) {
  Region region;
  region.address = reinterpret_cast<uintptr_t>(address);
  region.length = length;
  region.stack_id = capture_stack_id(guard);
  region.thread_id = current_thread_id(guard);
  region.tick = g_tick.load(std::memory_order_relaxed);
  region.prot = prot;
  region.map_flags = flags;
  region.api = static_cast<uint8_t>(api);
  if (flags & MAP_ANONYMOUS)
    region.flags |= fmt::kRegionAnonymous;
  else
    region.flags |= fmt::kRegionFile;
  if (flags & MAP_SHARED) region.flags |= fmt::kRegionShared;
  if (!g_regions.add(region)) g_counters.dropped_events.fetch_add(1, std::memory_order_relaxed);
}

void record_unmapping(const RecursionGuard&, void* address, size_t length) {
  g_regions.remove_range(reinterpret_cast<uintptr_t>(address), length);
}

}  // namespace leakdbg::tracker
