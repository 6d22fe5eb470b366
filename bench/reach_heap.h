// reach_bench's heap: COUNT live blocks of 32-992 bytes (about 1 GiB at 2 M), holding a
// realistic mix of words: one word in eight points at a block's start, one in sixteen into
// a block's middle, the rest is data (small numbers). Every tenth block is dropped from the
// table (the scan's main root) and pointed at only from other dropped blocks: lost trees
// and cycles. Shared by reach_bench (the scan under the tracker) and scan_floor_bench (the
// memory floor of scanning this heap on this machine).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

namespace leakdbg::bench {

inline uint64_t reach_mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

// The block that word `r` of block `from` points at.
inline size_t reach_target(size_t count, size_t from, uint64_t r) {
  size_t to = r % count;
  const bool from_dropped = from % 10 == 0;
  if (from_dropped) return to - to % 10;
  return to % 10 == 0 ? (to + 1) % count : to;
}

inline size_t reach_block_size(size_t index) { return 32 + (reach_mix(index) % 31) * 32; }

inline void reach_fill(void** blocks, size_t count, size_t index, size_t size) {
  auto* words = static_cast<uint64_t*>(blocks[index]);
  const size_t n = size / 8;
  for (size_t w = 0; w < n; ++w) {
    const uint64_t r = reach_mix(index * 131 + w);
    if (w % 8 == 0)
      words[w] = reinterpret_cast<uint64_t>(blocks[reach_target(count, index, r)]);
    else if (w % 16 == 5)
      words[w] =
          reinterpret_cast<uint64_t>(blocks[reach_target(count, index, r)]) + 8 + (r >> 40) % 24;
    else
      words[w] = r & 0xffff;
  }
}

// A malloc that the compiler may not elide or merge with the fill.
__attribute__((noinline)) inline void* reach_allocate(size_t size) {
  void* block = std::malloc(size);
  __asm__ volatile("" ::: "memory");
  return block;
}

// Allocates and fills the heap; returns its bytes, or 0 when out of memory. `table` gets
// every block, the dropped ones too (the caller drops them).
inline uint64_t build_reach_heap(void** table, size_t count, std::vector<size_t>& sizes) {
  sizes.assign(count, 0);
  uint64_t heap = 0;
  for (size_t i = 0; i < count; ++i) {
    sizes[i] = reach_block_size(i);
    table[i] = reach_allocate(sizes[i]);
    if (table[i] == nullptr) return 0;
    heap += sizes[i];
  }
  for (size_t i = 0; i < count; ++i) reach_fill(table, count, i, sizes[i]);
  return heap;
}

}  // namespace leakdbg::bench
