// A snapshot's copy of the live blocks as BlockRecords, with what each block itself tells
// (usable size, arena, first bytes). Made by the snapshot under the tables' locks, or by
// the reachability scan's forked copy, whose image no other thread changes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/records.h"
#include "tracker/live_table.h"
#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

// Thread arenas are numbered in order of first appearance and renumbered to malloc_info's
// order by assign_arenas.
struct BlockCopy {
  ByteBuffer records;
  size_t capacity = 0;         // bytes reserved in `records`
  uintptr_t arenas[256] = {};  // distinct thread arenas seen, temporary index = position + 1
  int arena_count = 0;
};

// Makes room for `count` more records.
bool reserve_more(BlockCopy& copy, size_t count);

// One block's record. The block must stay live meanwhile (its shadow range or table shard
// is locked, or nothing else runs).
void fill_record(BlockCopy& copy, const LiveBlock& block, fmt::BlockRecord& r);

// Renumbers temporary arena indexes to malloc_info's heap numbers; fills `ring`.
void assign_arenas(BlockCopy& copy, uintptr_t* ring, int* ring_size);
// The same in two steps, for records renumbered a piece at a time: the final number of
// each temporary one (`final_index`, 257 entries), then the records.
void arena_numbering(const uintptr_t* arenas, int arena_count, uintptr_t* ring, int* ring_size,
                     uint16_t* final_index);
void renumber_arenas(fmt::BlockRecord* records, size_t count, const uint16_t* final_index,
                     int arena_count);

}  // namespace leakdbg::tracker
