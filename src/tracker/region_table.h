// Memory regions the program mapped itself (mmap/mremap), with the stack that mapped them:
// the Linux analogue of VirtualAlloc leaks. Kept as a sorted array of non-overlapping
// ranges under one lock: mapping calls are rare next to malloc, and munmap may cut a region
// anywhere (trim or split), which a sorted array handles simply.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/records.h"
#include "tracker/raw_memory.h"
#include "tracker/spin_lock.h"

namespace leakdbg::tracker {

struct Region {
  uintptr_t address = 0;
  uint64_t length = 0;
  uint32_t stack_id = 0;
  uint32_t thread_id = 0;
  uint32_t tick = 0;
  int32_t prot = 0;
  int32_t map_flags = 0;
  uint8_t api = 0;
  uint8_t flags = 0;  // fmt::RegionFlags

  uintptr_t end() const { return address + length; }
};

// The snapshot's record of a region.
fmt::RegionRecord to_record(const Region& region);

class RegionTable {
 public:
  // Records a new mapping, replacing whatever it overlaps (MAP_FIXED maps over old ones).
  bool add(const Region& region);
  // Forgets [start, start+length): removes, trims or splits the regions it touches.
  void remove_range(uintptr_t start, uint64_t length);
  // The region starting exactly at `address` (for mremap's old mapping); false if none.
  bool find(uintptr_t address, Region* out);

  // Copies all regions into `out` (as Region structs) under the lock.
  bool copy_to(ByteBuffer& out);
  size_t count();
  uint64_t anonymous_bytes() const { return __atomic_load_n(&anonymous_bytes_, __ATOMIC_RELAXED); }

  void lock() { lock_.lock(); }
  void unlock() { lock_.unlock(); }
  void reset_lock_in_child() { lock_.reset(); }
  void clear_for_tests();

 private:
  void remove_range_locked(uintptr_t start, uint64_t length);
  size_t lower_bound(uintptr_t address) const;  // first index with end() > address
  bool insert_at(size_t index, const Region& region);
  void erase_at(size_t index);
  void account(const Region& region, int64_t sign);

  SpinLock lock_;
  Region* items_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  uint64_t anonymous_bytes_ = 0;
};

}  // namespace leakdbg::tracker
