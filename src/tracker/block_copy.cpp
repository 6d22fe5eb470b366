#include "tracker/block_copy.h"

#include <cstring>

#include "tracker/glibc_heap.h"
#include "tracker/hooked_symbols.h"
#include "tracker/tracker_state.h"

namespace leakdbg::tracker {

bool reserve_more(BlockCopy& copy, size_t count) {
  const size_t wanted = copy.records.size() + count * sizeof(fmt::BlockRecord);
  if (wanted <= copy.capacity) return true;
  if (!copy.records.reserve(wanted)) return false;
  copy.capacity = wanted;
  return true;
}

namespace {

uint16_t temporary_arena_index(BlockCopy& copy, uintptr_t arena) {
  if (arena == 0) return 0;
  for (int i = 0; i < copy.arena_count; ++i)
    if (copy.arenas[i] == arena) return static_cast<uint16_t>(i + 1);
  if (copy.arena_count == 256) return fmt::kArenaUnknown;
  copy.arenas[copy.arena_count++] = arena;
  return static_cast<uint16_t>(copy.arena_count);
}

}  // namespace

void fill_record(BlockCopy& copy, const LiveBlock& block, fmt::BlockRecord& r) {
  r = fmt::BlockRecord{};
  r.address = block.address;
  r.size = block.size;
  r.alloc_tick = block.tick;
  r.stack_id = block.stack_id;
  r.thread_id = block.thread_id;
  r.api = block.api;
  r.arena = fmt::kArenaUnknown;
  if (g_allocator_is_glibc) {
    ChunkFacts facts = read_chunk(block.address);
    r.usable = facts.usable;
    if (facts.mmapped)
      r.flags |= fmt::kBlockMmappedChunk;
    else
      r.arena = temporary_arena_index(copy, facts.arena);
  } else if (g_real.malloc_usable_size) {
    r.usable = g_real.malloc_usable_size(reinterpret_cast<void*>(block.address));
  }
  size_t bytes = block.size < 16 ? block.size : 16;
  std::memcpy(r.content, reinterpret_cast<const void*>(block.address), bytes);
  r.flags |= fmt::kBlockContentValid;
}

void arena_numbering(const uintptr_t* arenas, int arena_count, uintptr_t* ring, int* ring_size,
                     uint16_t* final_index) {
  *ring_size = arena_count ? arena_ring(arenas[0], ring, 1024) : 0;
  final_index[0] = 0;
  for (int i = 0; i < arena_count; ++i) {
    final_index[i + 1] = fmt::kArenaUnknown;
    for (int k = 0; k < *ring_size; ++k)
      if (ring[k] == arenas[i]) final_index[i + 1] = static_cast<uint16_t>(k);
  }
}

void renumber_arenas(fmt::BlockRecord* records, size_t count, const uint16_t* final_index,
                     int arena_count) {
  for (size_t i = 0; i < count; ++i)
    if (records[i].arena != fmt::kArenaUnknown && records[i].arena <= arena_count)
      records[i].arena = final_index[records[i].arena];
}

void assign_arenas(BlockCopy& copy, uintptr_t* ring, int* ring_size) {
  uint16_t final_index[257];
  arena_numbering(copy.arenas, copy.arena_count, ring, ring_size, final_index);
  renumber_arenas(reinterpret_cast<fmt::BlockRecord*>(copy.records.data()),
                  copy.records.size() / sizeof(fmt::BlockRecord), final_index, copy.arena_count);
}

}  // namespace leakdbg::tracker
