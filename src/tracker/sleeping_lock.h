// A lock whose waiters sleep in the kernel (futex) instead of yielding, for locks a program
// thread may meet held for a while by the snapshot (the heap shadow's range locks). A
// spinning waiter that yields on a busy machine goes behind every other runnable task and
// can lose 10 ms or more even when the holder lets go microseconds later; a futex waiter is
// woken by the unlock. Like SpinLock: a word of state, no allocation, resettable in a child.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "tracker/spin_lock.h"

namespace leakdbg::tracker {

class SleepingLock {
 public:
  void lock() {
    uint32_t state = kFree;
    if (state_.compare_exchange_strong(state, kLocked, std::memory_order_acquire)) return;
    // Held: a short spin first, since most holds are short.
    for (int spins = 0; spins < kSpins; ++spins) {
      cpu_relax();
      state = kFree;
      if (state_.load(std::memory_order_relaxed) == kFree &&
          state_.compare_exchange_strong(state, kLocked, std::memory_order_acquire))
        return;
    }
    // Marked as having waiters from here on, so that the unlock wakes one.
    while (state_.exchange(kWaiters, std::memory_order_acquire) != kFree)
      futex(FUTEX_WAIT_PRIVATE, kWaiters);
  }
  void unlock() {
    if (state_.exchange(kFree, std::memory_order_release) == kWaiters) futex(FUTEX_WAKE_PRIVATE, 1);
  }
  // Only for the single-threaded child after fork: whoever held it no longer exists.
  void reset() { state_.store(kFree, std::memory_order_relaxed); }

 private:
  static constexpr uint32_t kFree = 0, kLocked = 1, kWaiters = 2;
  static constexpr int kSpins = 128;
  static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t));

  void futex(int op, uint32_t value) {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&state_), op, value, nullptr, nullptr, 0);
  }

  std::atomic<uint32_t> state_{kFree};
};

using SleepingLockGuard = ScopedLock<SleepingLock>;

}  // namespace leakdbg::tracker
