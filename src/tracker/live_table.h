// The live heap blocks the heap shadow does not hold (another allocator than glibc's, blocks
// too large or oddly aligned for it, or its memory budget spent): a sharded open-addressing
// hash table keyed by the block's address. No global lock: each shard has its own, held for one
// probe sequence. Shards are picked by the block's 64 MiB address region first: glibc gives each
// thread its own arena in its own regions, so threads mostly lock and write shards no other core
// touches. Entries are packed into 24 bytes and slots grow by 1.25x at 85% load, so the table
// costs 28-35 bytes per live block; what can be read from the block itself (usable size,
// arena, content) is read at snapshot time instead of being stored.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tracker/spin_lock.h"

namespace leakdbg::tracker {

struct LiveBlock {
  uintptr_t address = 0;
  uint64_t size = 0;
  uint32_t stack_id = 0;
  uint32_t thread_id = 0;
  uint32_t tick = 0;
  uint8_t api = 0;
};

// Largest storable values: user-space addresses fit 48 bits, requested sizes 40 bits (1 TiB).
inline constexpr uintptr_t kMaxTrackedAddress = (uintptr_t{1} << 48) - 1;
inline constexpr uint64_t kMaxTrackedSize = (uint64_t{1} << 40) - 1;

class LiveTable {
 public:
  // 32 region groups of 16 shards: two arenas share a group with odds of 1 in 32, and one
  // arena's blocks still spread over 16 locks and tables.
  static constexpr int kShardBits = 9;
  static constexpr int kShardCount = 1 << kShardBits;

  struct Slot {
    uint64_t key;  // address | api << 48 | size bits 32..39 << 56; 0 = empty
    uint32_t size_low;
    uint32_t stack_id;
    // Thread id (Linux caps them at 2^22) and, in the top 8 bits, the distance from the
    // entry's home slot (255: at least that far), so that deletion can shift entries back
    // without rehashing them.
    uint32_t thread_distance;
    uint32_t tick;
  };
  static_assert(sizeof(Slot) == 24);

  struct alignas(64) Shard {
    SpinLock lock;
    Slot* slots = nullptr;
    uint32_t capacity = 0;
    uint32_t count = 0;
    uint64_t bytes = 0;  // requested bytes of the live blocks in this shard
  };

  // False if the block cannot be stored (out of memory, or outside the packed ranges).
  // An address already present is replaced (the allocator handed it out again after a free
  // the tracker did not see).
  bool insert(const LiveBlock& block);
  // Removes the block at `address`; false if it is not tracked.
  bool remove(uintptr_t address, LiveBlock* removed);
  bool contains(uintptr_t address);

  uint64_t total_blocks() const;  // relaxed sums: for samples, not for exact checks
  uint64_t total_bytes() const;
  size_t memory_bytes() const;  // slot memory held

  static int shard_of(uintptr_t address);
  Shard& shard(int index) { return shards_[index]; }
  static LiveBlock unpack(const Slot& slot);

  // Fork handlers: hold every shard lock across fork() so no table is mid-update in the child.
  void lock_all();
  void unlock_all();
  void reset_locks_in_child();

  // Frees all slot memory (tests only; no concurrent users allowed).
  void clear_for_tests();

 private:
  static bool grow(Shard& shard);
  static void place(Shard& shard, Slot slot, uint32_t i, uint32_t distance);

  Shard shards_[kShardCount];
};

}  // namespace leakdbg::tracker
