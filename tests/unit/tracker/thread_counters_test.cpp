#include "tracker/thread_counters.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tracker/tracker_state.h"

namespace leakdbg::tracker {
namespace {

// The counters run inside the hooks, under a RecursionGuard: each test thread holds one too.
thread_local const RecursionGuard g_guard;

// Depot figures plus every thread's pending ones: what a snapshot writes for a site.
SiteTotals totals_of(uint32_t id) {
  ByteBuffer pending;
  EXPECT_TRUE(collect_pending_site_counts(g_depot.count(), pending));
  const SiteTotals extra = reinterpret_cast<const SiteTotals*>(pending.data())[id];
  const StackDepot::Stack* s = g_depot.get(id);
  return SiteTotals{s->allocs.load() + extra.allocs, s->frees.load() + extra.frees,
                    s->bytes_allocated.load() + extra.bytes_allocated,
                    s->bytes_freed.load() + extra.bytes_freed};
}

// Stacks whose ids share one slot of the per-thread table, so counting alternately on them
// hands counts over to the depot again and again.
std::vector<uint32_t> colliding_stacks() {
  std::vector<uint32_t> ids;
  for (uintptr_t f = 1; ids.size() < 2; ++f) {
    uintptr_t frames[] = {0x7000 + f, 0x8000};
    uint32_t id = g_depot.intern(frames, 2);
    if (ids.empty() || (id - ids[0]) % kSiteCounterSlots == 0) ids.push_back(id);
  }
  return ids;
}

TEST(SiteCounters, ExactAcrossThreadsCollisionsAndThreadExit) {
  start_site_counters();
  const std::vector<uint32_t> ids = colliding_stacks();
  const SiteTotals before[2] = {totals_of(ids[0]), totals_of(ids[1])};
  constexpr int kThreads = 6, kRounds = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids] {
      for (int i = 0; i < kRounds; ++i) {
        count_alloc(g_guard, ids[i % 2], 10);
        count_free(g_guard, ids[i % 2], 10);
        if (i % 100 == 0) {
          count_free(g_guard, ids[0], 3);
          uncount_free(g_guard, ids[0], 3);  // a failed realloc takes its free back
        }
      }
      count_alloc(g_guard, ids[1], 7);  // left pending in the thread's table until it exits
    });
  }
  for (auto& thread : threads) thread.join();
  count_alloc(g_guard, ids[0], 5);  // pending in this (still running) thread's table
  const SiteTotals a = totals_of(ids[0]);
  const SiteTotals b = totals_of(ids[1]);
  constexpr uint64_t kHalf = uint64_t{kThreads} * kRounds / 2;
  EXPECT_EQ(a.allocs - before[0].allocs, kHalf + 1);
  EXPECT_EQ(a.frees - before[0].frees, kHalf);
  EXPECT_EQ(a.bytes_allocated - before[0].bytes_allocated, kHalf * 10 + 5);
  EXPECT_EQ(a.bytes_freed - before[0].bytes_freed, kHalf * 10);
  EXPECT_EQ(b.allocs - before[1].allocs, kHalf + kThreads);
  EXPECT_EQ(b.frees - before[1].frees, kHalf);
  EXPECT_EQ(b.bytes_allocated - before[1].bytes_allocated, kHalf * 10 + kThreads * 7);
}

TEST(SiteCounters, StackZeroIsNotCounted) {
  start_site_counters();
  count_alloc(g_guard, 0, 100);
  count_free(g_guard, 0, 100);
  ByteBuffer pending;
  ASSERT_TRUE(collect_pending_site_counts(g_depot.count(), pending));
  EXPECT_EQ(reinterpret_cast<const SiteTotals*>(pending.data())[0].allocs, 0u);
}

// The live totals follow blocks that one thread allocates and another frees, and keep what
// ended threads left live.
TEST(SiteCounters, LiveTotalsFollowBlocksAcrossThreads) {
  start_site_counters();
  const LiveTotals before = live_totals();
  count_alloc(g_guard, 0, 1000);  // stack id 0 is still a live block
  std::thread([] {
    for (int i = 0; i < 100; ++i) count_free(g_guard, 3, 10);  // blocks main() allocated, see below
    count_alloc(g_guard, 3, 64);                               // left live when the thread ends
  }).join();
  for (int i = 0; i < 100; ++i) count_alloc(g_guard, 3, 10);
  count_alloc(g_guard, 4, 32);
  count_vanished(g_guard, 32);
  count_free(g_guard, 0, 1000);
  uncount_free(g_guard, 0, 1000);  // a failed realloc: the block is back
  const LiveTotals after = live_totals();
  EXPECT_EQ(after.blocks - before.blocks, 2u);
  EXPECT_EQ(after.bytes - before.bytes, 1064u);
}

}  // namespace
}  // namespace leakdbg::tracker
