#include "call_chain.h"

namespace bench {
namespace {

// The empty asm after each call keeps it out of tail position, so every level is a frame.
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

__attribute__((noinline)) void descend(int depth, Body body, void* context) {
  volatile int frame_local = depth;
  if (depth <= 1)
    body(context);
  else
    descend(depth - 1, body, context);
  KEEP_FRAME();
  (void)frame_local;
}

template <int N>
__attribute__((noinline)) void* alloc_link(size_t size, Allocate allocate) {
  void* block;
  if constexpr (N == 1)
    block = allocate(size);
  else
    block = alloc_link<N - 1>(size, allocate);
  KEEP_FRAME();
  return block;
}

}  // namespace

void at_depth(int depth, Body body, void* context) {
  descend(depth, body, context);
  KEEP_FRAME();
}

void* allocate_through_10_frames(size_t size, Allocate allocate) {
  return alloc_link<10>(size, allocate);
}

}  // namespace bench
