// The current thread's stack, looked up once per thread: every unwind step checks that the
// addresses it reads lie inside it.
#pragma once

#include <cstdint>

namespace leakdbg::unwind {

struct StackBounds {
  uintptr_t lo = 0, hi = 0;  // [lo, hi); both 0 when unknown
  bool contains(uintptr_t addr) const { return addr >= lo && addr < hi; }
};

// The first call on a thread asks pthread_getattr_np, which allocates (and reads
// /proc/self/maps on the main thread); the tracker's recursion guard is held then.
const StackBounds& current_stack_bounds();

}  // namespace leakdbg::unwind
