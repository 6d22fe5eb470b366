// Page-backed allocations for code that runs inside the tracked program (the snapshot
// writer and zstd's state): they bypass malloc, so the tracker's hooks never record them and
// they work while the program's heap is locked or corrupt.
#pragma once

#include <cstddef>

namespace leakdbg::fmt {

void* page_alloc(size_t size);  // nullptr on failure; memory is zeroed
void page_free(void* p);        // p from page_alloc, or nullptr

}  // namespace leakdbg::fmt
