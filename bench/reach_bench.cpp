// The reachability scan at scale: BLOCKS live blocks (default 2 M) of 32-992 bytes, about
// 1 GiB of heap, holding a realistic mix of words: pointers to block starts (a table in a
// global holds every kept block, and each block points at another), pointers into the
// middle of blocks, and plain data. A tenth of the blocks are dropped from the table
// (unreachable, or indirect behind another dropped block). Then SNAPSHOTS snapshots are
// taken through the program API while a second thread keeps allocating and freeing, timing
// each of its free + malloc pairs: the longest pair that overlapped a snapshot is what the
// snapshot's stop cost a running thread.
//
// Run under the tracker with LEAKDBG_REACHABILITY=requested for snapshots with a scan, or
// none for the same snapshots without; bench/reach_bench.sh runs both and compares.
//
// usage: reach_bench [BLOCKS [SNAPSHOTS]]
// Prints key=value pairs on one line: blocks, heap_bytes, snapshots, snapshot_ok,
// max_snapshot_seconds, max_stall_during_snapshot_ms, max_stall_before_snapshot_ms,
// max_stall_runqueue_wait_ms and max_stall_window_ms (how much of a window around the
// longest stall the thread spent waiting for a core: stall_meter.h).
#include <leakdbg/leakdbg.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "reach_heap.h"
#include "stall_meter.h"

namespace {

using leakdbg::bench::now_ns;
using leakdbg::bench::StallMeter;

// Every kept block, in a global: the scan's main root.
void** g_table = nullptr;

}  // namespace

int main(int argc, char** argv) {
  size_t count = 2'000'000;
  int snapshots = 3;
  if (argc > 3 || (argc >= 2 && (count = std::strtoull(argv[1], nullptr, 10)) < 16) ||
      (argc == 3 && (snapshots = std::atoi(argv[2])) < 1)) {
    std::fprintf(stderr, "usage: reach_bench [BLOCKS [SNAPSHOTS]]\n");
    return 2;
  }
  g_table = static_cast<void**>(std::calloc(count, sizeof(void*)));
  std::vector<size_t> sizes;
  const uint64_t heap = leakdbg::bench::build_reach_heap(g_table, count, sizes);
  if (heap == 0) return 1;
  // Drop a tenth: each dropped block's pointers to other dropped blocks make trees. No list
  // of them is kept (freed scratch memory reused by later blocks would still point at them).
  size_t dropped_count = 0;
  for (size_t i = 0; i < count; i += 10, ++dropped_count) g_table[i] = nullptr;

  StallMeter meter;
  std::thread mutator([&] { meter.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a stall baseline first
  int ok = 1;
  int64_t longest = 0;
  for (int s = 0; s < snapshots; ++s) {
    const int64_t begin = now_ns();
    meter.mark_snapshot_begin();
    if (leakdbg_snapshot("reach-bench") != 0) ok = 0;
    meter.mark_snapshot_end();
    const int64_t end = now_ns();
    if (end - begin > longest) longest = end - begin;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    meter.clear_snapshot();
  }
  meter.stop = true;
  mutator.join();

  std::printf(
      "blocks=%zu heap_bytes=%llu dropped=%zu snapshots=%d snapshot_ok=%d "
      "max_snapshot_seconds=%.3f max_stall_during_snapshot_ms=%.3f "
      "max_stall_before_snapshot_ms=%.3f max_stall_runqueue_wait_ms=%.3f "
      "max_stall_window_ms=%.3f\n",
      count, static_cast<unsigned long long>(heap), dropped_count, snapshots, ok,
      static_cast<double>(longest) / 1e9, static_cast<double>(meter.max_during) / 1e6,
      static_cast<double>(meter.max_before) / 1e6,
      static_cast<double>(meter.max_during_runqueue_wait) / 1e6,
      static_cast<double>(meter.max_during_window) / 1e6);
  for (size_t i = 0; i < count; ++i) std::free(g_table[i]);
  std::free(g_table);
  return 0;
}
