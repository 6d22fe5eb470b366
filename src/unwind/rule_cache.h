// Fixed-size open-addressing hash from return address to packed FrameRule. Readers never
// lock and never write; writers claim slots with a CAS, so there is no lock anywhere and a
// fork in the middle of an insert cannot leave a lock held in the child. The table lives in
// an anonymous mapping made on the first insert and is never unmapped while the process
// runs (a reader may still be probing it), so the object has a trivial destructor and can be
// a constant-initialised global usable before static constructors run.
#pragma once

#include <sys/mman.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace leakdbg::unwind {

// kLog2Slots is a template argument so that the hot path's masks are constants.
template <unsigned kLog2Slots>
class RuleCache {
 public:
  static constexpr int kMaxProbes = 16;
  static constexpr uint64_t kSlots = uint64_t{1} << kLog2Slots;

  constexpr RuleCache() = default;

  // Packed rule for pc, or false. Hot path: a few loads, no stores.
  bool find(uintptr_t pc, uint64_t* packed) const {
    const Slot* slots = slots_.load(std::memory_order_acquire);
    if (slots == nullptr) return false;
    uint64_t index = home(pc);
    for (int probe = 0; probe < kMaxProbes; ++probe, index = (index + 1) & (kSlots - 1)) {
      const Slot& slot = slots[index];
      const uint64_t key = slot.key.load(std::memory_order_acquire);
      if (key == pc) {
        const uint64_t value = slot.value.load(std::memory_order_acquire);
        // A slot can be invalidated and reused between the two loads; the tag (bits of pc
        // stored beside the rule) and a second look at the key catch that.
        if ((value >> kTagShift) != tag(pc) || slot.key.load(std::memory_order_relaxed) != pc)
          return false;
        *packed = value & kPayloadMask;
        return true;
      }
      if (key == kEmpty) return false;
    }
    return false;
  }

  // Stores the rule; false when the table cannot be mapped or pc's probe window is full
  // (the caller then works without caching this address).
  bool insert(uintptr_t pc, uint64_t packed);

  // Drops every rule for pc in [start, end). Returns how many were dropped.
  size_t invalidate(uintptr_t start, uintptr_t end);

  // Number of live rules (a full scan; for tests and statistics).
  size_t size() const;

  // Unmaps the table. Only for owners that know no reader can still probe it (tests).
  void unmap();

 private:
  struct Slot {
    std::atomic<uint64_t> key;
    std::atomic<uint64_t> value;
  };
  // Keys below kFirstValidKey are slot states; no code lives at those addresses.
  static constexpr uint64_t kEmpty = 0, kTombstone = 1, kBusy = 2, kFirstValidKey = 3;
  static constexpr int kTagShift = 48;
  static constexpr uint64_t kPayloadMask = (uint64_t{1} << kTagShift) - 1;

  static uint64_t tag(uintptr_t pc) { return ((pc * 0x9E3779B97F4A7C15ull) >> 40) & 0xffff; }
  // The address bits themselves: two instructions on the unwinder's critical path (a
  // multiplicative hash costs more than the probes it saves), and the return addresses of one
  // function land in neighbouring slots, so a stack touches few cache lines and pages.
  static uint64_t home(uintptr_t pc) { return (pc >> 1) & (kSlots - 1); }
  static constexpr size_t kTableBytes = sizeof(Slot) * kSlots;
  Slot* map_table();

  std::atomic<Slot*> slots_{nullptr};
};

// Cold paths: inserts, invalidation and scans.

template <unsigned kLog2Slots>
typename RuleCache<kLog2Slots>::Slot* RuleCache<kLog2Slots>::map_table() {
  Slot* slots = slots_.load(std::memory_order_acquire);
  if (slots != nullptr) return slots;
  void* mem =
      mmap(nullptr, kTableBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  // Zero pages are empty slots; std::atomic<uint64_t> is lock-free and has no other state.
  Slot* fresh = static_cast<Slot*>(mem);
  if (!slots_.compare_exchange_strong(slots, fresh, std::memory_order_acq_rel)) {
    munmap(mem, kTableBytes);  // another thread mapped it first; `slots` now holds its table
    return slots;
  }
  return fresh;
}

template <unsigned kLog2Slots>
bool RuleCache<kLog2Slots>::insert(uintptr_t pc, uint64_t packed) {
  if (pc < kFirstValidKey) return false;
  Slot* slots = map_table();
  if (slots == nullptr) return false;
  uint64_t index = home(pc);
  for (int probe = 0; probe < kMaxProbes; ++probe, index = (index + 1) & (kSlots - 1)) {
    Slot& slot = slots[index];
    uint64_t key = slot.key.load(std::memory_order_acquire);
    while (key == kEmpty || key == kTombstone) {
      if (slot.key.compare_exchange_weak(key, kBusy, std::memory_order_acquire)) {
        slot.value.store((tag(pc) << kTagShift) | (packed & kPayloadMask),
                         std::memory_order_release);
        slot.key.store(pc, std::memory_order_release);
        return true;
      }
    }
    if (key == pc) return true;  // another thread resolved the same address first
  }
  return false;
}

template <unsigned kLog2Slots>
size_t RuleCache<kLog2Slots>::invalidate(uintptr_t start, uintptr_t end) {
  Slot* slots = slots_.load(std::memory_order_acquire);
  if (slots == nullptr) return 0;
  size_t dropped = 0;
  for (size_t i = 0; i < kSlots; ++i) {
    uint64_t key = slots[i].key.load(std::memory_order_acquire);
    if (key >= kFirstValidKey && key >= start && key < end &&
        slots[i].key.compare_exchange_strong(key, kTombstone, std::memory_order_acq_rel))
      ++dropped;
  }
  return dropped;
}

template <unsigned kLog2Slots>
size_t RuleCache<kLog2Slots>::size() const {
  const Slot* slots = slots_.load(std::memory_order_acquire);
  if (slots == nullptr) return 0;
  size_t live = 0;
  for (size_t i = 0; i < kSlots; ++i)
    if (slots[i].key.load(std::memory_order_relaxed) >= kFirstValidKey) ++live;
  return live;
}

template <unsigned kLog2Slots>
void RuleCache<kLog2Slots>::unmap() {
  Slot* slots = slots_.exchange(nullptr, std::memory_order_acq_rel);
  if (slots != nullptr) munmap(slots, kTableBytes);
}

}  // namespace leakdbg::unwind
