#include "tracker/region_table.h"

#include <cstring>

#include "format/records.h"

namespace leakdbg::tracker {

void RegionTable::account(const Region& region, int64_t sign) {
  if (!(region.flags & fmt::kRegionAnonymous)) return;
  uint64_t value = anonymous_bytes_ + static_cast<uint64_t>(sign) * region.length;
  __atomic_store_n(&anonymous_bytes_, value, __ATOMIC_RELAXED);
}

size_t RegionTable::lower_bound(uintptr_t address) const {
  size_t low = 0, high = size_;
  while (low < high) {
    size_t mid = (low + high) / 2;
    if (items_[mid].end() <= address)
      low = mid + 1;
    else
      high = mid;
  }
  return low;
}

bool RegionTable::insert_at(size_t index, const Region& region) {
  if (size_ == capacity_) {
    size_t capacity = capacity_ ? capacity_ * 2 : 256;
    auto* items = static_cast<Region*>(map_pages(capacity * sizeof(Region)));
    if (!items) return false;
    if (size_) std::memcpy(items, items_, size_ * sizeof(Region));
    unmap_pages(items_, capacity_ * sizeof(Region));
    items_ = items;
    capacity_ = capacity;
  }
  std::memmove(items_ + index + 1, items_ + index, (size_ - index) * sizeof(Region));
  items_[index] = region;
  ++size_;
  account(region, +1);
  return true;
}

void RegionTable::erase_at(size_t index) {
  account(items_[index], -1);
  std::memmove(items_ + index, items_ + index + 1, (size_ - index - 1) * sizeof(Region));
  --size_;
}

void RegionTable::remove_range(uintptr_t start, uint64_t length) {
  SpinLockGuard guard(lock_);
  remove_range_locked(start, length);
}

void RegionTable::remove_range_locked(uintptr_t start, uint64_t length) {
  if (length == 0) return;
  uintptr_t end = start + length;
  size_t i = lower_bound(start);
  while (i < size_ && items_[i].address < end) {
    Region& r = items_[i];
    if (r.address >= start && r.end() <= end) {
      erase_at(i);
      continue;
    }
    if (r.address < start && r.end() > end) {  // cut out of the middle: split in two
      Region tail = r;
      tail.address = end;
      tail.length = r.end() - end;
      account(r, -1);
      r.length = start - r.address;
      account(r, +1);
      insert_at(i + 1, tail);
      return;
    }
    account(r, -1);
    if (r.address < start) {
      r.length = start - r.address;
    } else {
      r.length = r.end() - end;
      r.address = end;
    }
    account(r, +1);
    ++i;
  }
}

bool RegionTable::add(const Region& region) {
  if (region.length == 0) return true;
  SpinLockGuard guard(lock_);
  remove_range_locked(region.address, region.length);
  return insert_at(lower_bound(region.address), region);
}

bool RegionTable::find(uintptr_t address, Region* out) {
  SpinLockGuard guard(lock_);
  size_t i = lower_bound(address);
  if (i < size_ && items_[i].address == address) {
    *out = items_[i];
    return true;
  }
  return false;
}

fmt::RegionRecord to_record(const Region& region) {
  fmt::RegionRecord r{};
  r.address = region.address;
  r.length = region.length;
  r.alloc_tick = region.tick;
  r.stack_id = region.stack_id;
  r.thread_id = region.thread_id;
  r.prot = region.prot;
  r.map_flags = region.map_flags;
  r.api = region.api;
  r.flags = region.flags;
  return r;
}

bool RegionTable::copy_to(ByteBuffer& out) {
  SpinLockGuard guard(lock_);
  return out.append(items_, size_ * sizeof(Region));
}

size_t RegionTable::count() {
  SpinLockGuard guard(lock_);
  return size_;
}

void RegionTable::clear_for_tests() {
  unmap_pages(items_, capacity_ * sizeof(Region));
  items_ = nullptr;
  size_ = capacity_ = 0;
  anonymous_bytes_ = 0;
}

}  // namespace leakdbg::tracker
