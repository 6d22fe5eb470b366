// What glibc's malloc knows that the tracker reads at snapshot time: per-block chunk facts
// (usable size, mmapped chunk, owning arena) from the chunk header, and per-arena figures
// from malloc_info(). Only used when `malloc` resolved into glibc (see docs/glibc-malloc.md).
#pragma once

#include <cstdint>

#include "format/records.h"
#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

struct ChunkFacts {
  uint64_t usable = 0;
  bool mmapped = false;
  uintptr_t arena = 0;  // malloc_state address of a thread arena; 0 = main arena or none
};

// Reads the header in front of a live glibc block. The block must stay live meanwhile (the
// caller holds the live-table shard lock that its free would need).
ChunkFacts read_chunk(uintptr_t user_pointer);

// Arena order as malloc_info numbers heaps: main arena first, then the `next` ring. Given
// any thread arena address, fills `out` (index = malloc_info's heap nr); returns the count.
// Without a thread arena, or on a glibc whose layout is not known, returns 0.
int arena_ring(uintptr_t any_thread_arena, uintptr_t* out, int max);

// Appends one ArenaRecord per heap of malloc_info(), with addresses from `ring` where known.
bool collect_arena_records(const uintptr_t* ring, int ring_size, ByteBuffer& out);

// Parses malloc_info XML text into ArenaRecords (exposed for tests).
bool parse_malloc_info(const char* xml, size_t size, ByteBuffer& out);

}  // namespace leakdbg::tracker
