// Assigns every byte of every mapping one VMMap type. Knowledge from a tracker snapshot or
// from the live process (thread stack pointers) comes in as claims over address ranges;
// what no claim covers is classified from the mapping itself (path, permissions, layout)
// and, for a live process, from a few words of its memory (glibc's heap headers).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "procmem/mem_types.h"
#include "procmem/smaps.h"

namespace leakdbg::procmem {

// Mappings, guard pages and glibc's mmapped chunks are whole pages of this size (x86-64,
// and the 4 KiB kernels of aarch64).
inline constexpr uint64_t kPageBytes = 4096;

// glibc's HEAP_MAX_SIZE on 64-bit: thread arena heaps are mappings aligned to it.
inline constexpr uint64_t kArenaHeapAlign = 64ull << 20;

struct Claim {
  uint64_t start = 0, end = 0;  // [start, end); clipped to the mappings it touches
  MemType type = MemType::kPrivateData;
  std::string label;
};

struct Knowledge {
  // Any order. Where two claims overlap, the one starting first keeps the overlap.
  std::vector<Claim> claims;
  // Reads the target's memory; empty (or returning false) when it cannot be read.
  std::function<bool(uint64_t address, void* out, size_t size)> read_memory;
};

// A part of a mapping with one type. Most mappings are one piece; a mapping is split when
// the kernel merged neighbours of different kinds (an mmapped chunk next to a direct mmap).
struct Piece {
  size_t mapping = 0;  // index into the classified mappings
  uint64_t start = 0, end = 0;
  MemType type = MemType::kPrivateData;
  std::string label;  // path, thread, arena, or how the type was recognised
  uint64_t size() const { return end - start; }
};

// Pieces in address order, covering every mapping completely. `mappings` must be sorted
// and non-overlapping (parse_smaps guarantees it).
std::vector<Piece> classify(const std::vector<Mapping>& mappings, const Knowledge& knowledge);

// The figures of one piece: its mapping's counts scaled by the piece's share of the
// mapping (the kernel counts per mapping, not per byte range).
struct Figures {
  uint64_t size = 0, committed = 0, private_bytes = 0, rss = 0, pss = 0, swap = 0, locked = 0;
};
Figures piece_figures(const Piece& piece, const Mapping& mapping);

}  // namespace leakdbg::procmem
