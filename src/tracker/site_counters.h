// Per call site counters since start (allocations, frees, bytes), for rates and the
// temporary-allocation view. Each thread counts into its own small table and hands a site's
// counts to the shared stack depot only when another site takes its slot or the thread ends,
// so the hot path writes no cache line another core is writing, and uses no locked
// instruction. A snapshot adds every thread's pending counts to the depot's: the totals are
// exact whenever no thread is allocating at that instant.
#pragma once

#include <cstdint>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

// The caller holds a RecursionGuard. Stack id 0 (no stack) is not counted.
void count_alloc(uint32_t stack_id, uint64_t bytes);
void count_free(uint32_t stack_id, uint64_t bytes);
// Takes back a count_free whose release did not happen (a failed realloc).
void uncount_free(uint32_t stack_id, uint64_t bytes);

struct SiteTotals {
  uint64_t allocs, frees, bytes_allocated, bytes_freed;
};

// Fills `out` with stack_count + 1 SiteTotals (index = stack id): every thread's counts not
// yet handed to the depot. False if out of memory.
bool collect_pending_site_counts(uint32_t stack_count, ByteBuffer& out);

// Called once when tracking starts: sets up the thread-exit hand-over.
void start_site_counters();

}  // namespace leakdbg::tracker
