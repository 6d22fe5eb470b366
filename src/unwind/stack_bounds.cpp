#include "unwind/stack_bounds.h"

#include <pthread.h>

namespace leakdbg::unwind {
namespace {

struct ThreadStack {
  bool looked_up;
  StackBounds bounds;
};

// initial-exec: the tracker is preloaded, so its TLS is static and a lookup never calls
// __tls_get_addr (which may allocate).
__attribute__((tls_model("initial-exec"))) thread_local ThreadStack t_stack{};

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

const StackBounds& current_stack_bounds() {
  if (!t_stack.looked_up) {
    t_stack.bounds = look_up();
    t_stack.looked_up = true;
  }
  return t_stack.bounds;
}

}  // namespace leakdbg::unwind
