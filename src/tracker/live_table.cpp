#include "tracker/live_table.h"

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {
namespace {

__extension__ typedef unsigned __int128 Uint128;

constexpr uint64_t kAddressMask = (uint64_t{1} << 48) - 1;
constexpr uint32_t kThreadMask = (1u << 24) - 1;
constexpr uint32_t kMaxDistance = 255;  // stored distances saturate here
constexpr int kRegionShift = 26;        // 64 MiB: glibc's thread-arena heap size
constexpr int kGroupBits = 5;
constexpr int kSubShardBits = LiveTable::kShardBits - kGroupBits;
// One page of slots per shard to start with: a shard is mapped on its first insert, so a
// program whose heap lies in one region uses 16 pages (64 KiB), small enough to stay in cache
// for programs with few live blocks (every insert and remove touches a random slot).
constexpr uint32_t kInitialCapacity = 4096 / sizeof(LiveTable::Slot);
constexpr uint64_t kMaxLoadNumerator = 17, kMaxLoadDenominator = 20;  // 85%

// Blocks are 16-byte aligned: drop the constant low bits, then one multiplicative hash whose
// top bits pick the shard within the region's group and whose next bits pick the home slot.
uint64_t mix(uintptr_t address) { return (uint64_t{address} >> 4) * 0x9E3779B97F4A7C15ull; }

// Home slot in [0, capacity): the high half of a 64x64 product, so any capacity works and
// the table can grow by 1.5x instead of doubling.
uint32_t home_slot(uint64_t hash, uint32_t capacity) {
  return static_cast<uint32_t>((static_cast<Uint128>(hash << kSubShardBits) * capacity) >> 64);
}

uint64_t address_of(const LiveTable::Slot& slot) { return slot.key & kAddressMask; }
uint32_t distance_of(const LiveTable::Slot& slot) { return slot.thread_distance >> 24; }
void set_distance(LiveTable::Slot& slot, uint32_t distance) {
  slot.thread_distance = (slot.thread_distance & kThreadMask) |
                         (distance < kMaxDistance ? distance : kMaxDistance) << 24;
}

// Exact distance of the entry at index i from its home (stored ones saturate).
uint32_t exact_distance(const LiveTable::Slot& slot, uint32_t i, uint32_t capacity) {
  uint32_t stored = distance_of(slot);
  if (stored < kMaxDistance) return stored;
  uint32_t home = home_slot(mix(address_of(slot)), capacity);
  return i >= home ? i - home : i + capacity - home;
}

// Starts loading the home slot before the lock is taken: the locked instruction would keep
// the slot's cache miss from overlapping with anything. The unlocked reads may see a table
// being replaced; a prefetch of a stale address is harmless. Returns the home slot for the
// capacity it saw, to be reused under the lock when the capacity is still that one.
struct Home {
  uint32_t slot, capacity;
};
Home prefetch_home(const LiveTable::Shard& s, uint64_t hash) {
  const LiveTable::Slot* slots = __atomic_load_n(&s.slots, __ATOMIC_RELAXED);
  const uint32_t capacity = __atomic_load_n(&s.capacity, __ATOMIC_RELAXED);
  const uint32_t slot = home_slot(hash, capacity);
  if (slots != nullptr) __builtin_prefetch(slots + slot, 1);
  return Home{slot, capacity};
}

// The home slot under the lock: the prefetched one unless the shard grew meanwhile.
uint32_t locked_home(const LiveTable::Shard& s, uint64_t hash, Home seen) {
  return s.capacity == seen.capacity ? seen.slot : home_slot(hash, s.capacity);
}

}  // namespace

int LiveTable::shard_of(uintptr_t address) {
  const uint64_t region = (uint64_t{address} >> kRegionShift) * 0xD6E8FEB86659FD93ull;
  const auto group = static_cast<int>(region >> (64 - kGroupBits));
  const auto sub = static_cast<int>(mix(address) >> (64 - kSubShardBits));
  return group << kSubShardBits | sub;
}

LiveBlock LiveTable::unpack(const Slot& slot) {
  LiveBlock block;
  block.address = address_of(slot);
  block.api = static_cast<uint8_t>(slot.key >> 48);
  block.size = (uint64_t{slot.key >> 56} << 32) | slot.size_low;
  block.stack_id = slot.stack_id;
  block.thread_id = slot.thread_distance & kThreadMask;
  block.tick = slot.tick;
  return block;
}

// Robin Hood placement: along a probe run, entries stay ordered by home slot (an entry never
// sits closer to home than one placed after it would). Lookups of absent addresses stop
// early, and deletion shifts back only up to the next entry that is at home.
// Places `slot`, which probing has brought to index i at that distance from its home.
void LiveTable::place(Shard& shard, Slot slot, uint32_t i, uint32_t distance) {
  while (shard.slots[i].key != 0) {
    const uint32_t resident = exact_distance(shard.slots[i], i, shard.capacity);
    if (resident < distance) {
      set_distance(slot, distance);
      Slot displaced = shard.slots[i];
      shard.slots[i] = slot;
      slot = displaced;
      distance = resident;
    }
    if (++i == shard.capacity) i = 0;
    ++distance;
  }
  set_distance(slot, distance);
  shard.slots[i] = slot;
}

bool LiveTable::grow(Shard& shard) {
  uint32_t capacity = shard.capacity ? shard.capacity + shard.capacity / 4 : kInitialCapacity;
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
    if (old[i].key != 0) place(shard, old[i], home_slot(mix(address_of(old[i])), capacity), 0);
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
  slot.thread_distance = block.thread_id & kThreadMask;
  slot.tick = block.tick;
  const uint64_t hash = mix(block.address);

  Shard& s = shards_[shard_of(block.address)];
  const Home seen = prefetch_home(s, hash);
  SpinLockGuard guard(s.lock);
  // Grown at 85% load: Robin Hood probing keeps lookups short there, and every point of load
  // is memory per live block (28-35 bytes between growths, instead of 32-40 at 75%).
  if ((uint64_t{s.count} + 1) * kMaxLoadDenominator > uint64_t{s.capacity} * kMaxLoadNumerator &&
      !grow(s))
    return false;
  uint32_t i = locked_home(s, hash, seen);
  uint32_t distance = 0;
  for (; s.slots[i].key != 0; ++distance) {
    if (address_of(s.slots[i]) == block.address) {
      s.bytes -= unpack(s.slots[i]).size;
      set_distance(slot, distance);
      s.slots[i] = slot;
      s.bytes += block.size;
      return true;
    }
    // Past every entry that could be this address (the run is ordered by home): it goes
    // here and the rest of the run moves along.
    if (exact_distance(s.slots[i], i, s.capacity) < distance) {
      place(s, slot, i, distance);
      ++s.count;
      s.bytes += block.size;
      return true;
    }
    if (++i == s.capacity) i = 0;
  }
  set_distance(slot, distance);
  s.slots[i] = slot;
  ++s.count;
  s.bytes += block.size;
  return true;
}

bool LiveTable::remove(uintptr_t address, LiveBlock* removed) {
  if (address == 0 || address > kMaxTrackedAddress) return false;
  const uint64_t hash = mix(address);
  Shard& s = shards_[shard_of(address)];
  const Home seen = prefetch_home(s, hash);
  SpinLockGuard guard(s.lock);
  if (s.count == 0) return false;
  uint32_t i = locked_home(s, hash, seen);
  for (uint32_t distance = 0;; ++distance) {
    if (s.slots[i].key == 0 || exact_distance(s.slots[i], i, s.capacity) < distance) return false;
    if (address_of(s.slots[i]) == address) break;
    if (++i == s.capacity) i = 0;
  }
  LiveBlock block = unpack(s.slots[i]);
  if (removed) *removed = block;
  --s.count;
  s.bytes -= block.size;
  // Backward-shift deletion: the rest of the run moves back one slot, up to an empty slot or
  // an entry at its home, so lookups never meet tombstones and the load factor stays honest.
  uint32_t hole = i;
  while (true) {
    uint32_t next = hole + 1 == s.capacity ? 0 : hole + 1;
    if (s.slots[next].key == 0) break;
    const uint32_t distance = exact_distance(s.slots[next], next, s.capacity);
    if (distance == 0) break;
    s.slots[hole] = s.slots[next];
    set_distance(s.slots[hole], distance - 1);
    hole = next;
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
