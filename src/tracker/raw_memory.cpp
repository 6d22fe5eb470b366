#include "tracker/raw_memory.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "tracker/spin_lock.h"

namespace leakdbg::tracker {
namespace {
std::atomic<size_t> g_mapped{0};

// The registry of own mappings: a fixed array (no allocation), searched linearly on map
// and unmap, which are rare (tables grow by doubling).
constexpr size_t kMaxOwnRanges = 16384;
SpinLock g_ranges_lock;
uint64_t g_ranges[kMaxOwnRanges][2];
size_t g_range_count = 0;
bool g_ranges_overflowed = false;

void remember_range(void* address, size_t bytes) {
  SpinLockGuard guard(g_ranges_lock);
  if (g_range_count == kMaxOwnRanges) {
    g_ranges_overflowed = true;
    return;
  }
  g_ranges[g_range_count][0] = reinterpret_cast<uint64_t>(address);
  g_ranges[g_range_count][1] = reinterpret_cast<uint64_t>(address) + bytes;
  ++g_range_count;
}

void forget_range(void* address) {
  SpinLockGuard guard(g_ranges_lock);
  for (size_t i = 0; i < g_range_count; ++i)
    if (g_ranges[i][0] == reinterpret_cast<uint64_t>(address)) {
      g_ranges[i][0] = g_ranges[g_range_count - 1][0];
      g_ranges[i][1] = g_ranges[g_range_count - 1][1];
      --g_range_count;
      return;
    }
}

void* map_with(size_t bytes, int sharing) {
  bytes = round_up_to_pages(bytes);
  // The raw system call, so that the tracker's own mmap hook never sees its tables.
  long result = syscall(SYS_mmap, nullptr, bytes, PROT_READ | PROT_WRITE,
                        sharing | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (result < 0 && result > -4096) return nullptr;
  g_mapped.fetch_add(bytes, std::memory_order_relaxed);
  remember_range(reinterpret_cast<void*>(result), bytes);
  return reinterpret_cast<void*>(result);
}
}  // namespace

size_t round_up_to_pages(size_t bytes) {
  const size_t page = 4096;
  return (bytes + page - 1) & ~(page - 1);
}

void* map_pages(size_t bytes) { return map_with(bytes, MAP_PRIVATE); }

void* map_shared_pages(size_t bytes) { return map_with(bytes, MAP_SHARED); }

void unmap_pages(void* address, size_t bytes) {
  if (!address) return;
  bytes = round_up_to_pages(bytes);
  forget_range(address);
  syscall(SYS_munmap, address, bytes);
  g_mapped.fetch_sub(bytes, std::memory_order_relaxed);
}

size_t mapped_bytes() { return g_mapped.load(std::memory_order_relaxed); }

size_t copy_own_ranges(uint64_t (*ranges)[2], size_t max) {
  SpinLockGuard guard(g_ranges_lock);
  for (size_t i = 0; i < g_range_count && i < max; ++i) {
    ranges[i][0] = g_ranges[i][0];
    ranges[i][1] = g_ranges[i][1];
  }
  return g_range_count;
}

void reset_own_ranges_lock_in_child() { g_ranges_lock.reset(); }

bool own_ranges_complete() {
  SpinLockGuard guard(g_ranges_lock);
  return !g_ranges_overflowed;
}

bool ByteBuffer::reserve(size_t bytes) {
  if (bytes <= capacity_) return true;
  size_t capacity = capacity_ ? capacity_ : 64 * 1024;
  while (capacity < bytes) capacity *= 2;
  auto* fresh = static_cast<char*>(map_pages(capacity));
  if (!fresh) return false;
  if (size_) std::memcpy(fresh, data_, size_);
  unmap_pages(data_, capacity_);
  data_ = fresh;
  capacity_ = round_up_to_pages(capacity);
  return true;
}

bool ByteBuffer::append(const void* data, size_t bytes) {
  if (bytes == 0) return true;
  char* out = extend(bytes);
  if (!out) return false;
  if (bytes) std::memcpy(out, data, bytes);
  commit(bytes);
  return true;
}

char* ByteBuffer::extend(size_t bytes) {
  // Always a real buffer, even for 0 bytes: nullptr means out of memory.
  if (!reserve(size_ + (bytes ? bytes : 1))) return nullptr;
  return data_ + size_;
}

void ByteBuffer::release() {
  unmap_pages(data_, capacity_);
  data_ = nullptr;
  size_ = capacity_ = 0;
}

}  // namespace leakdbg::tracker
