#include "tracker/block_stream.h"

#include <algorithm>

#include "tracker/glibc_heap.h"

namespace leakdbg::tracker {

bool BlockStream::write_live_blocks() {
  // Room for a full chunk plus the largest range, reserved before any lock is taken.
  const size_t range_records = HeapShadow::kEntriesPerRange;
  return reserve_more(chunk_, chunk_records_ + range_records) && copy_shadow_blocks() &&
         copy_table_blocks() && flush(true);
}

bool BlockStream::copy_shadow_blocks() {
  bool ok = true;
  shadow_.for_each_block(
      [&](const LiveBlock& block) {
        if (!ok) return;
        // Blocks allocated into the range while it is visited may need more room than was
        // reserved; taken while the range stays locked (rare).
        if (chunk_.records.size() + sizeof(fmt::BlockRecord) > chunk_.capacity &&
            !reserve_more(chunk_, chunk_records_)) {
          ok = false;
          return;
        }
        auto* r =
            reinterpret_cast<fmt::BlockRecord*>(chunk_.records.data() + chunk_.records.size());
        fill_record(chunk_, block, *r);
        chunk_.records.commit(sizeof(fmt::BlockRecord));
      },
      [&] { ok = ok && flush(false); });
  return ok;
}

bool BlockStream::copy_table_blocks() {
  for (int s = 0; s < LiveTable::kShardCount; ++s) {
    LiveTable::Shard& shard = table_.shard(s);
    if (__atomic_load_n(&shard.slots, __ATOMIC_RELAXED) == nullptr) continue;
    fmt::BlockRecord* out = nullptr;
    size_t n = 0;
    while (true) {
      // Make room before locking, so the program waits only for the copy itself.
      const size_t expected = __atomic_load_n(&shard.count, __ATOMIC_RELAXED) + 64;
      if (!reserve_more(chunk_, expected)) return false;
      SpinLockGuard guard(shard.lock);
      if (shard.count > expected) continue;  // grew meanwhile: reserve again
      out = reinterpret_cast<fmt::BlockRecord*>(chunk_.records.data() + chunk_.records.size());
      constexpr uint32_t kAhead = 16;  // slots whose blocks are prefetched ahead of use
      for (uint32_t i = 0; i < shard.capacity; ++i) {
        // The blocks lie in hash order, i.e. randomly in memory: start the header and
        // content loads of later blocks now, so the cache misses overlap.
        if (i + kAhead < shard.capacity && shard.slots[i + kAhead].key != 0)
          __builtin_prefetch(
              reinterpret_cast<const char*>(LiveTable::unpack(shard.slots[i + kAhead]).address) -
              8);
        if (shard.slots[i].key == 0) continue;
        fill_record(chunk_, LiveTable::unpack(shard.slots[i]), out[n++]);
      }
      chunk_.records.commit(n * sizeof(fmt::BlockRecord));
      break;
    }
    // The encoding stores address differences: in address order (sorted once the lock is
    // released) a shard's blocks form one group instead of one group each.
    std::sort(out, out + n, [](const fmt::BlockRecord& a, const fmt::BlockRecord& b) {
      return a.address < b.address;
    });
    if (!flush(false)) return false;
  }
  return true;
}

void BlockStream::number_arenas() {
  // The ring is read once, at the first thread arena seen, since the records written before
  // refer to it: an arena created after that (only while the snapshot runs, and rare) is not
  // in it, and its blocks' arena is unknown, as for any arena past the ring.
  if (!ring_taken_ && chunk_.arena_count > 0) {
    ring_taken_ = true;
    ring_size_ = arena_ring(chunk_.arenas[0], ring_, kRingCapacity);
  }
  for (; numbered_ < chunk_.arena_count; ++numbered_) {
    final_index_[numbered_ + 1] = fmt::kArenaUnknown;
    for (int k = 0; k < ring_size_; ++k)
      if (ring_[k] == chunk_.arenas[numbered_]) final_index_[numbered_ + 1] = uint16_t(k);
  }
  auto* records = reinterpret_cast<fmt::BlockRecord*>(chunk_.records.data());
  const size_t count = chunk_.records.size() / sizeof(fmt::BlockRecord);
  for (size_t i = 0; i < count; ++i)
    if (records[i].arena != fmt::kArenaUnknown && records[i].arena <= chunk_.arena_count)
      records[i].arena = final_index_[records[i].arena];
}

bool BlockStream::flush(bool all) {
  if (failed_) return false;
  const size_t count = chunk_.records.size() / sizeof(fmt::BlockRecord);
  if (count == 0 || (!all && count < chunk_records_)) return true;
  number_arenas();
  if (!writer_.write_blocks(reinterpret_cast<const fmt::BlockRecord*>(chunk_.records.data()),
                            count)) {
    failed_ = true;
    return false;
  }
  written_ += count;
  chunk_.records.clear();
  return true;
}

}  // namespace leakdbg::tracker
