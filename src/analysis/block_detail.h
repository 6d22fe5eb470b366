// `leakdbg block` (WinDbg `!heap -p -a ADDR`): the block that holds an address (interior
// pointers too), what its allocator header says, its first bytes, type hint, age, thread,
// API and full allocation stack. An address in no block gets the nearest blocks and the
// mapping it lies in instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/mapping_lookup.h"
#include "model/heap_model.h"

namespace leakdbg {

class Symbolizer;

// glibc's chunk header of a block, worked out from the block's sizes and flags (the
// snapshot holds no raw header bytes): what `!heap` shows as HEAP_ENTRY.
struct ChunkFacts {
  uint64_t chunk_address = 0;   // user pointer - 16
  uint64_t chunk_size = 0;      // from the usable size if known, else glibc's request2size
  bool is_mmapped = false;      // IS_MMAPPED
  bool non_main_arena = false;  // NON_MAIN_ARENA
};

struct BlockDetail {
  uint64_t query = 0;
  const Block* block = nullptr;    // the block holding the address, or null
  const Region* region = nullptr;  // else the tracked mmap region holding it, or null
  uint64_t offset = 0;             // query - start of the block or region
  std::string heap;                // heap id of the block or region
  std::string type;                // type hint ("" if none)
  // False when the source gives no allocation time, thread or API (saved Windows text):
  // age_seconds, thread and api are then not figures and show as "-".
  bool origin_known = true;
  double age_seconds = 0;
  std::string thread;
  std::string api;
  std::vector<SymbolicFrame> frames;  // allocation stack, innermost first
  std::optional<ChunkFacts> chunk;    // glibc blocks only
  // Always filled: the nearest blocks below and above the address (not holding it) and the
  // mapping the address lies in, if any.
  const Block* below = nullptr;
  const Block* above = nullptr;
  std::optional<MappingInfo> mapping;

  bool found() const { return block || region; }
};

// A block holds the addresses from its start up to its usable size (its requested size if
// usable is unknown): pointers into malloc's slack still name the block.
BlockDetail inspect_address(const HeapModel& model, Symbolizer* symbolizer, uint64_t address);

// glibc's header facts for a block (allocator 1 = glibc); nullopt for other allocators.
std::optional<ChunkFacts> chunk_facts(const HeapModel& model, const Block& block);

}  // namespace leakdbg
