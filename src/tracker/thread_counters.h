// Each thread's own counters, in one table per thread so that the hot path writes no cache
// line another core is writing and uses no locked instruction:
// - per call site counts since start (allocations, frees, bytes), for rates and the
//   temporary-allocation view. A site's counts go to the shared stack depot only when
//   another site takes its slot or the thread ends; a snapshot adds every thread's pending
//   counts to the depot's, exact whenever no thread is allocating at that instant;
// - the thread's change of the live set (blocks and bytes), summed into live totals;
// - the thread's busy mark for the heap shadow's lock-free releases (the release handshake).
#pragma once

#include <atomic>
#include <cstdint>

#include "tracker/raw_memory.h"
#include "tracker/thread_state.h"

namespace leakdbg::tracker {

// Slots of a thread's site table, direct-mapped by stack id (ids are dense, handed out in
// order): a program's first 2048 sites never collide. A collision costs a hand-over of up to
// four locked adds on a depot line other threads also write; with 256 slots, alloc_bench at
// S=1024 spent 4% of its run in them. 80 KiB of address space per thread, committed only
// where slots are used.
inline constexpr uint32_t kSiteCounterSlots = 2048;

// Stack id 0 (no stack) is not counted.
void count_alloc(const RecursionGuard& guard, uint32_t stack_id, uint64_t bytes);
void count_free(const RecursionGuard& guard, uint32_t stack_id, uint64_t bytes);
// Takes back a count_free whose release did not happen (a failed realloc).
void uncount_free(const RecursionGuard& guard, uint32_t stack_id, uint64_t bytes);
// A block that leaves the live set without a counted free: the tracker found its address
// handed out again, so the allocator released it by a path the tracker does not see.
void count_vanished(const RecursionGuard& guard, uint64_t bytes);

// Live heap blocks and their requested bytes: what count_alloc added and count_free and
// count_vanished took away, over every thread. Relaxed sums of per-thread figures: exact
// when no thread is allocating, otherwise a sample.
struct LiveTotals {
  uint64_t blocks, bytes;
};
LiveTotals live_totals();

// The calling thread's busy mark for lock-free releases from the heap shadow, or nullptr
// when the thread has no table (its releases then take the shadow's locks).
std::atomic<uint32_t>* release_mark();
// Waits until every busy mark set before the call is clear (HeapShadow::WaitForReleases).
void wait_for_release_marks();

struct SiteTotals {
  uint64_t allocs, frees, bytes_allocated, bytes_freed;
};

// Fills `out` with stack_count + 1 SiteTotals (index = stack id): every thread's counts not
// yet handed to the depot. False if out of memory.
bool collect_pending_site_counts(uint32_t stack_count, ByteBuffer& out);

// Called once when tracking starts: sets up the thread-exit hand-over.
void start_site_counters();

}  // namespace leakdbg::tracker
