// A plugin the test dlopens, dlcloses and dlopens again elsewhere. -O2 -fomit-frame-pointer.
#include <alloca.h>

#include <cstring>

#include "shapes.h"

namespace {

__attribute__((noinline)) void plugin_step(int depth, unwind_test::Probe probe, void* context) {
  // Odd depths use alloca, so the plugin has both RSP- and RBP-based frames.
  if (depth % 2 == 1) {
    auto* buffer = static_cast<char*>(alloca(static_cast<size_t>(depth * 8)));
    std::memset(buffer, 0, static_cast<size_t>(depth * 8));
    __asm__ volatile("" : : "r"(buffer) : "memory");
  }
  if (depth <= 0)
    probe(context);
  else
    plugin_step(depth - 1, probe, context);
  __asm__ volatile("" ::: "memory");
}

}  // namespace

extern "C" __attribute__((visibility("default"))) void unwind_test_plugin_chain(
    int depth, unwind_test::Probe probe, void* context) {
  plugin_step(depth, probe, context);
  __asm__ volatile("" ::: "memory");
}
