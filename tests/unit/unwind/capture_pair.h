// Takes fast and libunwind stacks of the very same frames: both captures go through one call
// site, so even the innermost return address must match.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "unwind/unwind_internal.h"

namespace unwind_test {

struct CapturePair {
  std::vector<uintptr_t> first_fast;   // may resolve rules from .eh_frame (cold cache)
  std::vector<uintptr_t> second_fast;  // rules now cached
  std::vector<uintptr_t> reference;    // libunwind
  int skip = 0;
  int max = 256;
};

// A Probe: fills the CapturePair passed as context.
void capture_pair_probe(void* context);

// "0x..." lines, for readable failure messages.
std::string describe(const std::vector<uintptr_t>& frames);

// How many frames lie in the loaded object that contains `symbol`.
size_t frames_in_module_of(const std::vector<uintptr_t>& frames, const void* symbol);

}  // namespace unwind_test
