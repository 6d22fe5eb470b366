// What a snapshot costs a running thread: a second thread of a benchmark keeps freeing and
// allocating small blocks, timing each free + malloc pair, while the main thread takes
// snapshots between mark_snapshot_begin() and mark_snapshot_end(). The longest pair that
// overlapped a snapshot (max_during) is the stall it caused; the longest before the first
// snapshot (max_before) is the machine's own noise. Shared by live_blocks_bench and
// reach_bench.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace leakdbg::bench {

inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct StallMeter {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> snapshot_begin{INT64_MAX}, snapshot_end{INT64_MAX};
  int64_t max_during = 0, max_before = 0;  // read after the thread running run() is joined

  void mark_snapshot_begin() { snapshot_begin.store(now_ns()); }
  void mark_snapshot_end() { snapshot_end.store(now_ns()); }
  // After the stall window that followed a snapshot: pairs no longer count as during one.
  void clear_snapshot() {
    snapshot_begin.store(INT64_MAX);
    snapshot_end.store(INT64_MAX);
  }

  void run() {
    std::vector<void*> ring(1024, nullptr);
    size_t next = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      // A release may wait for the snapshot (the range of heap it lies in being copied), an
      // allocation never should: both are timed.
      const int64_t start = now_ns();
      std::free(ring[next]);
      ring[next] = std::malloc(16 + next % 48);
      const int64_t end = now_ns();
      next = (next + 1) % ring.size();
      const int64_t took = end - start;
      if (end >= snapshot_begin.load(std::memory_order_relaxed) &&
          start <= snapshot_end.load(std::memory_order_relaxed)) {
        if (took > max_during) max_during = took;
      } else if (end < snapshot_begin.load(std::memory_order_relaxed) && took > max_before) {
        max_before = took;
      }
    }
    for (void* block : ring) std::free(block);
  }
};

}  // namespace leakdbg::bench
