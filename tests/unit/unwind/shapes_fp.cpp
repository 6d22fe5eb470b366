// Built -O2 -fno-omit-frame-pointer: RBP-based CFA in every frame.
#include "shapes.h"

namespace unwind_test {
namespace {

#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

template <int N>
__attribute__((noinline)) void fp_link(Probe probe, void* context) {
  volatile char pad[8 * N + 8];
  pad[0] = static_cast<char>(N);
  if constexpr (N == 0)
    probe(context);
  else
    fp_link<N - 1>(probe, context);
  KEEP_FRAME();
  (void)pad[0];
}

}  // namespace

void fp_chain(Probe probe, void* context) {
  fp_link<9>(probe, context);
  KEEP_FRAME();
}

__attribute__((noinline)) void fp_recursion(int depth, Probe probe, void* context) {
  volatile int local = depth;
  if (depth <= 0)
    probe(context);
  else
    fp_recursion(depth - 1, probe, context);
  KEEP_FRAME();
  (void)local;
}

}  // namespace unwind_test
