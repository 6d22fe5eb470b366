// A lock for the tracker's own tables. pthread mutexes would do, but this one is one byte
// of state, never allocates, and can be reset in a forked child without undefined
// behaviour, which is what the fork handlers need.
#pragma once

#include <sched.h>

#include <atomic>

namespace leakdbg::tracker {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class SpinLock {
 public:
  void lock() {
    for (int spins = 0; locked_.exchange(true, std::memory_order_acquire); ++spins) {
      while (locked_.load(std::memory_order_relaxed)) {
        // Contention here means another thread holds the lock for a table copy or growth:
        // give the CPU away instead of burning it (the machine may have fewer cores than
        // threads).
        if (++spins > 64)
          sched_yield();
        else
          cpu_relax();
      }
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }
  // Only for the single-threaded child after fork: whoever held it no longer exists.
  void reset() { locked_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> locked_{false};
};

// Holds any of the tracker's locks for a scope.
template <typename Lock>
class ScopedLock {
 public:
  explicit ScopedLock(Lock& lock) : lock_(lock) { lock_.lock(); }
  ~ScopedLock() { lock_.unlock(); }
  ScopedLock(const ScopedLock&) = delete;
  ScopedLock& operator=(const ScopedLock&) = delete;

 private:
  Lock& lock_;
};

using SpinLockGuard = ScopedLock<SpinLock>;

}  // namespace leakdbg::tracker
