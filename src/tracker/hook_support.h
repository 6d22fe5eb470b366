// What every hook does first: make sure the real functions are known, and decide whether
// this call is recorded (tracking on, and not re-entered from inside the tracker); and the
// two shapes most hooks share (allocate then record, forget then release).
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
  if (LEAKDBG_UNLIKELY(g_mode.load(std::memory_order_relaxed) == TrackerMode::kUninitialized)) {
    if (resolving_on_this_thread()) return false;
    ensure_initialized();
  }
  return tracking() && !RecursionGuard::active();
}

// The prologue of every hook: the real functions resolved on first use, then whether this
// call is recorded. A recorded call then holds a RecursionGuard for its recording work.
inline bool hook_prologue() {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();
  return should_record();
}

// Before a release: the tracker reads the block's shadow entry first and the allocator its
// bookkeeping in the word(s) just below the block next; both are usually cache misses for a
// block allocated long ago. Starting both now makes them overlap each other and the hook's
// work instead of following one another.
inline void prefetch_for_release(const void* p) {
  g_shadow.prefetch(reinterpret_cast<uintptr_t>(p));
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

// An allocating hook: `call` is the real function; a non-null result is recorded with
// `size` bytes. Results, exceptions and errno are exactly the real function's.
template <class RealCall>
__attribute__((always_inline)) inline void* allocate_and_record(size_t size, fmt::ApiKind api,
                                                                RealCall call) {
  if (!hook_prologue()) return call();
  RecursionGuard guard;
  void* p = call();  // may throw std::bad_alloc: nothing recorded then
  if (p) {
    ErrnoKeeper keep;
    record_allocation(guard, p, size, api);
  }
  return p;
}

// A releasing hook: the block is forgotten before `call` releases it, so that its address
// cannot be handed out and recorded again in between. The guard is held across `call` too:
// a runtime's operator delete frees through free(), which is not the program's release.
template <class RealCall>
__attribute__((always_inline)) inline void forget_and_release(void* p, ReleaseKind kind,
                                                              RealCall call) {
  if (!hook_prologue()) return call();
  prefetch_for_release(p);
  RecursionGuard guard;
  {
    ErrnoKeeper keep;
    record_release(guard, p, kind, nullptr);
  }
  call();
}

}  // namespace leakdbg::tracker
