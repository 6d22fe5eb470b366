// Stack capture for the tracker's hot path: return addresses of the current thread's
// callers, innermost first. Allocation-free and lock-free once warm; never calls malloc
// from the capture path (the tracker's recursion guard covers any cold-path allocation).
#pragma once

#include <cstdint>

namespace leakdbg::unwind {

enum class Mode {
  kFast,       // cached CFA rules per return address, full unwind on a miss (default)
  kLibunwind,  // unw_backtrace for every capture (reference and fallback)
  kNone,       // no stacks: measures the rest of the tracker
};

void set_mode(Mode mode);
Mode mode();

// Fills out[0..max) with return addresses, skipping the `skip` innermost frames above the
// caller of capture(). Returns the number written. Thread-safe.
int capture(uintptr_t* out, int max, int skip);

// capture() for callers that derive something costly from a stack (the tracker interns it).
// memo points to a value this thread keeps beside exactly this stack, 0 until the caller
// stores one; a later capture that reproduces the same stack hands back the same memo, and
// when it is non-zero leaves out[] unwritten (frames_written false). memo is null when the
// stack cannot be reproduced cheaply, and is only valid until the thread's next capture.
struct MemoCapture {
  int count = 0;
  bool frames_written = false;
  uint32_t* memo = nullptr;
};
MemoCapture capture_memo(uintptr_t* out, int max, int skip);

// The calling thread is exiting: the walks it remembers beyond its replays go back to a
// process-wide pool for the next thread.
void release_thread_caches();

// Forget cached rules for code in [start, end): called after dlclose.
void invalidate_range(uintptr_t start, uintptr_t end);

}  // namespace leakdbg::unwind
