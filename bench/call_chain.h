// A call chain of distinct frames built -O2 -fomit-frame-pointer (call_chain.cpp), at whose
// bottom a benchmark body runs: stacks measured here look like stacks in distribution code.
#pragma once

#include <cstddef>

namespace bench {

using Body = void (*)(void* context);

// Calls body(context) from `depth` frames below the caller (depth 1..64).
void at_depth(int depth, Body body, void* context);

using Allocate = void* (*)(size_t size);

// Calls allocate(size) from 10 distinct frames below the caller.
void* allocate_through_10_frames(size_t size, Allocate allocate);

}  // namespace bench
