#include "tracker/live_table.h"

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {
namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr uint64_t kAddressMask = (uint64_t{1} << 48) - 1;
// One page of slots: 128 shards then start at 512 KiB together, small enough to stay in
// cache for programs with few live blocks (every insert and remove touches a random slot).
constexpr uint32_t kInitialCapacity = 4096 / sizeof(LiveTable::Slot);

uint64_t mix(uintptr_t address) {
  // Blocks are 16-byte aligned: drop the constant low bits before the multiplicative hash.
  uint64_t h = (uint64_t{address} >> 4) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

// Home slot in [0, capacity): the high half of a 64x64 product, so any capacity works and
// the table can grow by 1.5x instead of doubling.
uint32_t home_slot(uint64_t hash, uint32_t capacity) {
  return static_cast<uint32_t>((static_cast<Uint128>(hash * 0xD6E8FEB86659FD93ull) * capacity) >>
                               64);
}

uint64_t address_of(const LiveTable::Slot& slot) { return slot.key & kAddressMask; }

}  // namespace

int LiveTable::shard_of(uintptr_t address) {
  return static_cast<int>(mix(address) >> 57);  // top 7 bits: 128 shards
}

LiveBlock LiveTable::unpack(const Slot& slot) {
  LiveBlock block;
  block.address = address_of(slot);
  block.api = static_cast<uint8_t>(slot.key >> 48);
  block.size = (uint64_t{slot.key >> 56} << 32) | slot.size_low;
  block.stack_id = slot.stack_id;
  block.thread_id = slot.thread_id;
  block.tick = slot.tick;
  return block;
}

void LiveTable::place(Shard& shard, const Slot& slot) {
  uint32_t i = home_slot(mix(address_of(slot)), shard.capacity);
  while (shard.slots[i].key != 0) {
    if (++i == shard.capacity) i = 0;
  }
  shard.slots[i] = slot;
}

bool LiveTable::grow(Shard& shard) {
  uint32_t capacity = shard.capacity ? shard.capacity + shard.capacity / 2 : kInitialCapacity;
  // Use the whole last page: the extra slots are free.
  capacity =
      static_cast<uint32_t>(round_up_to_pages(size_t{capacity} * sizeof(Slot)) / sizeof(Slot));
  auto* slots = static_cast<Slot*>(map_pages(size_t{capacity} * sizeof(Slot)));
  if (!slots) return false;
  Slot* old = shard.slots;
  uint32_t old_capacity = shard.capacity;
  shard.slots = slots;
  shard.capacity = capacity;
  for (uint32_t i = 0; i < old_capacity; ++i)
    if (old[i].key != 0) place(shard, old[i]);
  unmap_pages(old, size_t{old_capacity} * sizeof(Slot));
  return true;
}

bool LiveTable::insert(const LiveBlock& block) {
  if (block.address == 0 || block.address > kMaxTrackedAddress || block.size > kMaxTrackedSize)
    return false;
  Slot slot;
  slot.key = uint64_t{block.address} | (uint64_t{block.api} << 48) | ((block.size >> 32) << 56);
  slot.size_low = static_cast<uint32_t>(block.size);
  slot.stack_id = block.stack_id;
  slot.thread_id = block.thread_id;
  slot.tick = block.tick;

  Shard& s = shards_[shard_of(block.address)];
  SpinLockGuard guard(s.lock);
  if ((uint64_t{s.count} + 1) * 4 > uint64_t{s.capacity} * 3 && !grow(s)) return false;
  uint32_t i = home_slot(mix(block.address), s.capacity);
  while (s.slots[i].key != 0) {
    if (address_of(s.slots[i]) == block.address) {
      s.bytes -= unpack(s.slots[i]).size;
      s.slots[i] = slot;
      s.bytes += block.size;
      return true;
    }
    if (++i == s.capacity) i = 0;
  }
  s.slots[i] = slot;
  ++s.count;
  s.bytes += block.size;
  return true;
}

bool LiveTable::remove(uintptr_t address, LiveBlock* removed) {
  if (address == 0 || address > kMaxTrackedAddress) return false;
  Shard& s = shards_[shard_of(address)];
  SpinLockGuard guard(s.lock);
  if (s.count == 0) return false;
  uint32_t i = home_slot(mix(address), s.capacity);
  while (true) {
    if (s.slots[i].key == 0) return false;
    if (address_of(s.slots[i]) == address) break;
    if (++i == s.capacity) i = 0;
  }
  LiveBlock block = unpack(s.slots[i]);
  if (removed) *removed = block;
  --s.count;
  s.bytes -= block.size;
  // Backward-shift deletion: pull later members of the probe run into the hole, so lookups
  // never meet tombstones and the load factor stays honest.
  uint32_t hole = i;
  uint32_t j = i;
  while (true) {
    if (++j == s.capacity) j = 0;
    if (s.slots[j].key == 0) break;
    uint32_t home = home_slot(mix(address_of(s.slots[j])), s.capacity);
    // Move j into the hole unless its home lies cyclically in (hole, j].
    bool home_after_hole = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_after_hole) {
      s.slots[hole] = s.slots[j];
      hole = j;
    }
  }
  s.slots[hole].key = 0;
  return true;
}

bool LiveTable::contains(uintptr_t address) {
  if (address == 0 || address > kMaxTrackedAddress) return false;
  Shard& s = shards_[shard_of(address)];
  SpinLockGuard guard(s.lock);
  if (s.count == 0) return false;
  for (uint32_t i = home_slot(mix(address), s.capacity); s.slots[i].key != 0;) {
    if (address_of(s.slots[i]) == address) return true;
    if (++i == s.capacity) i = 0;
  }
  return false;
}

uint64_t LiveTable::total_blocks() const {
  uint64_t total = 0;
  for (const auto& s : shards_) total += __atomic_load_n(&s.count, __ATOMIC_RELAXED);
  return total;
}

uint64_t LiveTable::total_bytes() const {
  uint64_t total = 0;
  for (const auto& s : shards_) total += __atomic_load_n(&s.bytes, __ATOMIC_RELAXED);
  return total;
}

size_t LiveTable::memory_bytes() const {
  size_t total = 0;
  for (const auto& s : shards_)
    total +=
        round_up_to_pages(size_t{__atomic_load_n(&s.capacity, __ATOMIC_RELAXED)} * sizeof(Slot));
  return total;
}

void LiveTable::lock_all() {
  for (auto& s : shards_) s.lock.lock();
}
void LiveTable::unlock_all() {
  for (auto& s : shards_) s.lock.unlock();
}
void LiveTable::reset_locks_in_child() {
  for (auto& s : shards_) s.lock.reset();
}

void LiveTable::clear_for_tests() {
  for (auto& s : shards_) {
    unmap_pages(s.slots, size_t{s.capacity} * sizeof(Slot));
    s.slots = nullptr;
    s.capacity = s.count = 0;
    s.bytes = 0;
  }
}

}  // namespace leakdbg::tracker
