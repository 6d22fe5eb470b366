#include "unwind/stack_bounds.h"

#include <pthread.h>

namespace leakdbg::unwind {

__thread ThreadStackBounds t_stack_bounds __attribute__((tls_model("initial-exec"))) = {};

namespace {

StackBounds look_up() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return {};
  void* addr = nullptr;
  size_t size = 0;
  StackBounds bounds;
  if (pthread_attr_getstack(&attr, &addr, &size) == 0 && addr != nullptr) {
    bounds.lo = reinterpret_cast<uintptr_t>(addr);
    bounds.hi = bounds.lo + size;
  }
  pthread_attr_destroy(&attr);
  return bounds;
}

}  // namespace

__attribute__((noinline, cold)) const StackBounds& look_up_stack_bounds() {
  t_stack_bounds.bounds = look_up();
  t_stack_bounds.looked_up = true;
  return t_stack_bounds.bounds;
}

}  // namespace leakdbg::unwind
