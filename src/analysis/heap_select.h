// The "heaps" of a snapshot, as `summary` lists them and `--heap ID` selects them:
//   main          glibc's main arena (the brk heap)
//   arenaN        thread arena with malloc_info index N (its address in hex is an alias)
//   mmap-chunks   blocks glibc served with their own mmap (WinDbg's "Virt blocks")
//   other         blocks whose arena is unknown (another allocator, imported text)
//   mmap          anonymous mmap regions the program mapped itself
//   mmap-file     file-backed mmap regions (kept apart from leak candidates)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/heap_model.h"

namespace leakdbg {

enum class HeapKind : uint8_t { kArena, kMmapChunks, kOther, kMmap, kMmapFile };

struct HeapSelector {
  HeapKind kind = HeapKind::kArena;
  uint32_t arena = 0;  // kArena: the arena index (Block::arena)

  bool holds_blocks() const {
    return kind == HeapKind::kArena || kind == HeapKind::kMmapChunks || kind == HeapKind::kOther;
  }
  bool holds(const Block& block) const;
  bool holds(const Region& region) const;
  bool operator==(const HeapSelector&) const = default;
};

// Which heap a block belongs to.
HeapSelector heap_of(const Block& block);
HeapSelector heap_of(const Region& region);

// The id `summary` prints and `--heap` accepts ("main", "arena2", "mmap-chunks", ...).
std::string heap_id(const HeapModel& model, const HeapSelector& heap);
// The arena's address as "0x..." if the model knows it, else "".
std::string heap_alias(const HeapModel& model, const HeapSelector& heap);

// Parses an id or alias (arena address with or without 0x, as WinDbg prints heap handles).
// Throws leakdbg::Error naming the heaps the model has when the id matches none.
HeapSelector parse_heap_id(const HeapModel& model, std::string_view id);

}  // namespace leakdbg
