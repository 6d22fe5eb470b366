// What every hook does first: make sure the real functions are known, and decide whether
// this call is recorded (tracking on, and not re-entered from inside the tracker).
#pragma once

#include <cerrno>

#include "tracker/hooked_symbols.h"
#include "tracker/thread_state.h"
#include "tracker/tracker_state.h"

#define LEAKDBG_HOOK extern "C" __attribute__((visibility("default")))
#define LEAKDBG_LIKELY(x) __builtin_expect(!!(x), 1)
#define LEAKDBG_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace leakdbg::tracker {

// True when the call should be recorded. Runs initialisation on the very first call.
inline bool should_record() {
  if (LEAKDBG_UNLIKELY(g_mode.load(std::memory_order_relaxed) ==
                       static_cast<int>(TrackerMode::kUninitialized))) {
    if (resolving_on_this_thread()) return false;
    ensure_initialized();
  }
  return tracking() && !RecursionGuard::active();
}

// Before a release: the allocator reads its bookkeeping in the word(s) just below the block
// next; start that cache miss now so that it overlaps with the tracker's work.
inline void prefetch_for_release(const void* p) {
  __builtin_prefetch(static_cast<const char*>(p) - 2 * sizeof(void*), 1);
}

// errno's address on this thread, learnt once: errno is a call into libc (through the PLT),
// two per hook otherwise.
extern __thread int* t_errno_address __attribute__((tls_model("initial-exec")));

// Keeps errno as the real call left it: the recording work must not change what the
// program sees.
class ErrnoKeeper {
 public:
  ErrnoKeeper() {
    address_ = t_errno_address;
    if (address_ == nullptr) [[unlikely]]
      address_ = t_errno_address = &errno;
    saved_ = *address_;
  }
  ~ErrnoKeeper() { *address_ = saved_; }
  ErrnoKeeper(const ErrnoKeeper&) = delete;
  ErrnoKeeper& operator=(const ErrnoKeeper&) = delete;

 private:
  int* address_;
  int saved_;
};

}  // namespace leakdbg::tracker
