// A LiveBlock with fixed thread, tick and API kind, for the live-set tests.
#pragma once

#include <cstdint>

#include "tracker/live_table.h"

namespace leakdbg::tracker {

inline LiveBlock block_at(uintptr_t address, uint64_t size, uint32_t stack = 1) {
  LiveBlock b;
  b.address = address;
  b.size = size;
  b.stack_id = stack;
  b.thread_id = 42;
  b.tick = 7;
  b.api = 11;
  return b;
}

}  // namespace leakdbg::tracker
