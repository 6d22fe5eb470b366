// Built -O2 -fomit-frame-pointer: the shape distributions ship. The empty asm statements
// after each call keep the calls out of tail position and the functions out of each other.
#include <alloca.h>

#include <csignal>
#include <cstring>

#include "shapes.h"

namespace unwind_test {
namespace {

#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

template <int N>
__attribute__((noinline)) void chain_link(Probe probe, void* context) {
  volatile char pad[16 * N + 8];  // a different frame size in every link
  pad[0] = static_cast<char>(N);
  if constexpr (N == 0)
    probe(context);
  else
    chain_link<N - 1>(probe, context);
  KEEP_FRAME();
  (void)pad[0];
}

}  // namespace

void nofp_chain(Probe probe, void* context) {
  chain_link<9>(probe, context);
  KEEP_FRAME();
}

__attribute__((noinline)) void nofp_recursion(int depth, Probe probe, void* context) {
  volatile int local = depth;
  if (depth <= 0)
    probe(context);
  else
    nofp_recursion(depth - 1, probe, context);
  KEEP_FRAME();
  (void)local;
}

__attribute__((noinline)) void nofp_alloca(int depth, int bytes, Probe probe, void* context) {
  auto* buffer = static_cast<char*>(alloca(static_cast<size_t>(bytes)));
  std::memset(buffer, depth, static_cast<size_t>(bytes));
  __asm__ volatile("" : : "r"(buffer) : "memory");
  if (depth <= 0)
    probe(context);
  else
    nofp_alloca(depth - 1, bytes + 24, probe, context);
  KEEP_FRAME();
}

__attribute__((noinline)) void nofp_vla(int depth, int count, Probe probe, void* context) {
  long values[count];  // NOLINT: the variable-length frame is the point
  for (int i = 0; i < count; ++i) values[i] = i * depth;
  __asm__ volatile("" : : "r"(values) : "memory");
  if (depth <= 0)
    probe(context);
  else
    nofp_vla(depth - 1, count + 3, probe, context);
  KEEP_FRAME();
}

// One function whose frame is RSP-based on some levels and RBP-based (alloca, VLA) on
// others, ending in the ten-link chain.
__attribute__((noinline)) void nofp_mixed(int depth, Probe probe, void* context) {
  if (depth <= 0) {
    nofp_chain(probe, context);
  } else if (depth % 3 == 0) {
    auto* buffer = static_cast<char*>(alloca(static_cast<size_t>(32 + depth)));
    std::memset(buffer, depth, static_cast<size_t>(32 + depth));
    __asm__ volatile("" : : "r"(buffer) : "memory");
    nofp_mixed(depth - 1, probe, context);
  } else if (depth % 3 == 1) {
    long values[depth + 1];  // NOLINT
    for (int i = 0; i <= depth; ++i) values[i] = i;
    __asm__ volatile("" : : "r"(values) : "memory");
    nofp_mixed(depth - 1, probe, context);
  } else {
    nofp_mixed(depth - 1, probe, context);
  }
  KEEP_FRAME();
}

__attribute__((noinline)) void nofp_raise_signal(int depth, int signal_number) {
  volatile int local = depth;
  if (depth <= 0)
    raise(signal_number);
  else
    nofp_raise_signal(depth - 1, signal_number);
  KEEP_FRAME();
  (void)local;
}

}  // namespace unwind_test

namespace unwind_test {
namespace {

// Twins: the same body, so the probe runs at the very same stack pointer under either.
__attribute__((noinline)) void twin_a(Probe probe, void* context) {
  probe(context);
  KEEP_FRAME();
}
__attribute__((noinline)) void twin_b(Probe probe, void* context) {
  probe(context);
  KEEP_FRAME();
}

}  // namespace

__attribute__((noinline)) void nofp_twins(int which, Probe probe, void* context) {
  if (which == 0)
    twin_a(probe, context);
  else
    twin_b(probe, context);
  KEEP_FRAME();
}

}  // namespace unwind_test
