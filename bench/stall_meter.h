// What a snapshot costs a running thread: a second thread of a benchmark keeps freeing and
// allocating small blocks, timing each free + malloc pair, while the main thread takes
// snapshots between mark_snapshot_begin() and mark_snapshot_end(). The longest pair that
// overlapped a snapshot (max_during) is the stall it caused; the longest before the first
// snapshot (max_before) is the machine's own noise. Shared by live_blocks_bench and
// reach_bench.
#pragma once

#include <fcntl.h>
#include <unistd.h>

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
  // Around the longest pair during a snapshot: how long this thread waited for a core (its
  // run-queue wait in /proc/thread-self/schedstat) over a window from the last reading,
  // taken every 4096 pairs, to the pair's end. Near the window's length: other jobs held it
  // off the cores. Near zero: it was blocked (a lock, a page fault). -1: not known.
  int64_t max_during_runqueue_wait = -1, max_during_window = 0;

  void mark_snapshot_begin() { snapshot_begin.store(now_ns()); }
  void mark_snapshot_end() { snapshot_end.store(now_ns()); }
  // After the stall window that followed a snapshot: pairs no longer count as during one.
  void clear_snapshot() {
    snapshot_begin.store(INT64_MAX);
    snapshot_end.store(INT64_MAX);
  }

  // The run-queue wait so far in ns, or -1.
  static int64_t runqueue_wait(int fd) {
    char text[128];
    const ssize_t n = fd < 0 ? -1 : pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return -1;
    text[n] = 0;
    char* after_cpu = nullptr;
    std::strtoll(text, &after_cpu, 10);
    return std::strtoll(after_cpu, nullptr, 10);
  }

  void run() {
    std::vector<void*> ring(1024, nullptr);
    size_t next = 0;
    const int schedstat = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    int64_t window_start = now_ns(), wait_at_start = runqueue_wait(schedstat);
    uint64_t pairs = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      if (++pairs % 4096 == 0) {
        window_start = now_ns();
        wait_at_start = runqueue_wait(schedstat);
      }
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
        if (took > max_during) {
          max_during = took;
          const int64_t wait = runqueue_wait(schedstat);
          max_during_runqueue_wait = wait >= 0 && wait_at_start >= 0 ? wait - wait_at_start : -1;
          max_during_window = end - window_start;
          window_start = now_ns();
          wait_at_start = wait;
        }
      } else if (end < snapshot_begin.load(std::memory_order_relaxed) && took > max_before) {
        max_before = took;
      }
    }
    for (void* block : ring) std::free(block);
    if (schedstat >= 0) close(schedstat);
  }
};

}  // namespace leakdbg::bench
