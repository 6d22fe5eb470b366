// A snapshot's blocks section written as it is gathered: records are copied under the live
// set's locks one shadow range or table shard at a time into a bounded chunk, and the chunk
// is compressed into the file once that lock is released. The snapshot's memory for its
// blocks is then one chunk (a few MiB), not 64 bytes per live block.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/snapshot_writer.h"
#include "tracker/block_copy.h"
#include "tracker/heap_shadow.h"
#include "tracker/live_table.h"

namespace leakdbg::tracker {

class BlockStream {
 public:
  // 256 KiB of records: written out once a range or shard has filled it. A 256 KiB shadow
  // range holds at most 8192 blocks, so a chunk never grows past 768 KiB under a range lock.
  static constexpr size_t kChunkRecords = 4096;
  static constexpr int kRingCapacity = 1024;

  BlockStream(fmt::SnapshotWriter& writer, HeapShadow& shadow, LiveTable& table,
              size_t chunk_records = kChunkRecords)
      : writer_(writer), shadow_(shadow), table_(table), chunk_records_(chunk_records) {}
  BlockStream(const BlockStream&) = delete;
  BlockStream& operator=(const BlockStream&) = delete;

  // Writes a BlockRecord for every live block into the writer's open section. False when
  // out of memory or when the writer failed (errno says why).
  bool write_live_blocks();

  // The glibc arenas, main arena first, that the records' arena indexes refer to: the
  // arenas section must be built from this ring.
  const uintptr_t* ring() const { return ring_; }
  int ring_size() const { return ring_size_; }
  uint64_t records_written() const { return written_; }

 private:
  bool copy_shadow_blocks();
  bool copy_table_blocks();
  // Writes the chunk if it holds at least chunk_records_ (or anything, when `all`).
  bool flush(bool all);
  void number_arenas();

  fmt::SnapshotWriter& writer_;
  HeapShadow& shadow_;
  LiveTable& table_;
  const size_t chunk_records_;
  BlockCopy chunk_;  // its arena list lives as long as the stream: indexes stay stable
  uintptr_t ring_[kRingCapacity] = {};
  int ring_size_ = 0;
  bool ring_taken_ = false;  // once: records already written refer to it
  // Ring position of each temporary arena index (chunk_.arenas[i - 1]), for the first
  // `numbered_` of them.
  uint16_t final_index_[257] = {};
  int numbered_ = 0;
  uint64_t written_ = 0;
  bool failed_ = false;
};

}  // namespace leakdbg::tracker
