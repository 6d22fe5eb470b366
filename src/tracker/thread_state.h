// Per-thread state of the hot path, in initial-exec TLS (no allocation, no lazy TLS
// resolution that could itself call malloc).
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#include "tracker/termination_signals.h"
#include "tracker/thread_stop.h"

namespace leakdbg::tracker {

extern __thread int t_guard_depth __attribute__((tls_model("initial-exec")));
extern __thread uint32_t t_thread_id __attribute__((tls_model("initial-exec")));

// Held while the tracker itself runs: any allocation made meanwhile (by the real allocator,
// the unwinder, zstd, dlsym, ...) goes straight through untracked instead of recursing.
// Leaving the outermost guard finishes a termination signal that arrived meanwhile, and
// parks the thread if a reachability stop signal did.
class RecursionGuard {
 public:
  RecursionGuard() { ++t_guard_depth; }
  ~RecursionGuard() {
    if (--t_guard_depth == 0 && (g_deferred_signal.load(std::memory_order_relaxed) |
                                 g_stop_in_progress.load(std::memory_order_relaxed)) != 0)
        [[unlikely]] {
      park_if_stop_pending();
      finish_deferred_signal();
    }
  }
  RecursionGuard(const RecursionGuard&) = delete;
  RecursionGuard& operator=(const RecursionGuard&) = delete;
  static bool active() { return t_guard_depth != 0; }
};

// First allocation of a thread (or of the child after fork): learn its id and stack.
uint32_t first_sight_of_thread(const RecursionGuard& guard);

inline uint32_t current_thread_id(const RecursionGuard& guard) {
  if (t_thread_id == 0) [[unlikely]]
    return first_sight_of_thread(guard);
  return t_thread_id;
}

}  // namespace leakdbg::tracker
