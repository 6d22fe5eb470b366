// A shared library linked by the test, -O2 -fomit-frame-pointer.
#include "shapes.h"

namespace {

__attribute__((noinline)) void shared_step(int depth, unwind_test::Probe probe, void* context) {
  volatile long frame[3] = {depth, depth, depth};
  if (depth <= 0)
    probe(context);
  else
    shared_step(depth - 1, probe, context);
  __asm__ volatile("" ::: "memory");
  (void)frame[0];
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void unwind_test_shared_chain(
    int depth, unwind_test::Probe probe, void* context) {
  shared_step(depth, probe, context);
  __asm__ volatile("" ::: "memory");
}
