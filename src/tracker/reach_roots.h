// Where the roots of a reachability scan are, read in the scanning image: the process's
// mappings (/proc/self/maps, read with system calls only) minus what is not the program's
// own data: the heap itself (its blocks are scanned through the chain, not as roots), the
// tracker's memory, and the part of each thread's stack below its stack pointer.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

struct MapRange {
  uint64_t start, end;
  bool readable, writable;
  bool heap;    // [heap]
  bool device;  // a /dev/ mapping: reading it may have effects
};

// Parses /proc/self/maps into `out` (MapRange array, sorted by start). False on failure.
bool read_own_maps(ByteBuffer& text, ByteBuffer& out);

// Index of the mapping containing `address`, or -1.
long find_map(const MapRange* maps, size_t count, uint64_t address);

// Sorts [start, end) ranges and merges overlapping ones; returns the new count.
size_t merge_ranges(uint64_t (*ranges)[2], size_t count);

// Calls emit(begin, end) for each piece of [start, end) outside the merged `excluded`.
template <class Emit>
void subtract_ranges(uint64_t start, uint64_t end, const uint64_t (*excluded)[2], size_t count,
                     Emit&& emit) {
  // First excluded range ending after start.
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (excluded[mid][1] <= start)
      lo = mid + 1;
    else
      hi = mid;
  }
  uint64_t cursor = start;
  for (size_t i = lo; i < count && excluded[i][0] < end; ++i) {
    if (excluded[i][0] > cursor) emit(cursor, excluded[i][0]);
    if (excluded[i][1] > cursor) cursor = excluded[i][1];
  }
  if (cursor < end) emit(cursor, end);
}

}  // namespace leakdbg::tracker
