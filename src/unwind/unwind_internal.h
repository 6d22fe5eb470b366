// Pieces of the unwinder that tests and benchmarks reach past the public API for.
#pragma once

#include <cstddef>
#include <cstdint>

#include "unwind/unwind.h"

namespace leakdbg::unwind {

// capture() with an explicit mode instead of the global one, so that one call site can take
// both a fast and a libunwind stack of the very same frames. skip as in capture(): with
// skip 0, out[0] is the return address into capture_with's caller.
int capture_with(Mode mode, uintptr_t* out, int max, int skip);

// Replays (capture.cpp) on or off, for benchmarks that measure the walk itself and for
// tests; on by default.
void set_replays(bool enabled);

// Process-wide counters of the cold paths (the warm path counts nothing, to stay cheap).
struct Stats {
  uint64_t misses = 0;            // addresses resolved from .eh_frame
  uint64_t uncached = 0;          // resolved but not stored (probe window full)
  uint64_t fallbacks = 0;         // fast captures handed to libunwind
  uint64_t stopped_on_doubt = 0;  // fast captures cut short by a failed check
};
Stats stats();

// Rules currently cached (a full table scan).
size_t cached_rules();

}  // namespace leakdbg::unwind
