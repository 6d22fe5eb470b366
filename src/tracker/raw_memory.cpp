#include "tracker/raw_memory.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace leakdbg::tracker {
namespace {
std::atomic<size_t> g_mapped{0};
}

size_t round_up_to_pages(size_t bytes) {
  const size_t page = 4096;
  return (bytes + page - 1) & ~(page - 1);
}

void* map_pages(size_t bytes) {
  bytes = round_up_to_pages(bytes);
  // The raw system call, so that the tracker's own mmap hook never sees its tables.
  long result = syscall(SYS_mmap, nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (result < 0 && result > -4096) return nullptr;
  g_mapped.fetch_add(bytes, std::memory_order_relaxed);
  return reinterpret_cast<void*>(result);
}

void unmap_pages(void* address, size_t bytes) {
  if (!address) return;
  bytes = round_up_to_pages(bytes);
  syscall(SYS_munmap, address, bytes);
  g_mapped.fetch_sub(bytes, std::memory_order_relaxed);
}

size_t mapped_bytes() { return g_mapped.load(std::memory_order_relaxed); }

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
