// The current thread's stack, looked up once per thread: every unwind step checks that the
// addresses it reads lie inside it.
#pragma once

#include <cstdint>

namespace leakdbg::unwind {

struct StackBounds {
  uintptr_t lo = 0, hi = 0;  // [lo, hi); both 0 when unknown
  bool contains(uintptr_t addr) const { return addr >= lo && addr < hi; }
};

struct ThreadStackBounds {
  bool looked_up;
  StackBounds bounds;
};
// initial-exec: the tracker is preloaded, so its TLS is static and a lookup never calls
// __tls_get_addr (which may allocate). Inline below: a capture asks for the bounds several
// times, and a call each time was a measurable part of it.
extern __thread ThreadStackBounds t_stack_bounds __attribute__((tls_model("initial-exec")));

// The first call on a thread asks pthread_getattr_np, which allocates (and reads
// /proc/self/maps on the main thread); the tracker's recursion guard is held then.
const StackBounds& look_up_stack_bounds();

inline const StackBounds& current_stack_bounds() {
  if (t_stack_bounds.looked_up) [[likely]]
    return t_stack_bounds.bounds;
  return look_up_stack_bounds();
}

}  // namespace leakdbg::unwind
