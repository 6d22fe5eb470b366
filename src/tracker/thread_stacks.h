// The stack of every thread the tracker has seen allocate, for the snapshot's thread records
// (vmmap's Stack type, and the roots of a future reachability scan). Each thread records its
// own bounds the first time it allocates: only the thread itself can ask for them without
// stopping it.
#pragma once

#include <cstdint>

#include "tracker/thread_state.h"

namespace leakdbg::tracker {

// Records the calling thread's stack under `tid` (cold path: pthread_getattr_np allocates).
void note_own_thread_stack(const RecursionGuard& guard, uint32_t tid);

// [lo, hi) of the stack recorded for tid; false if none. A tid reused by a later thread
// holds that thread's stack once it has allocated.
bool find_thread_stack(uint32_t tid, uint64_t* lo, uint64_t* hi);

}  // namespace leakdbg::tracker
