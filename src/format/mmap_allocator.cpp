#include "format/mmap_allocator.h"

#include <sys/mman.h>

#include <cstdint>

namespace leakdbg::fmt {
namespace {

// The mapping's length is kept in front of the returned pointer (munmap needs it and zstd's
// free callback does not pass it). 64 bytes keep the user part cache-line aligned.
constexpr size_t kHeader = 64;

}  // namespace

void* page_alloc(size_t size) {
  if (size > SIZE_MAX - kHeader) return nullptr;
  size_t total = size + kHeader;
  void* base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  *static_cast<size_t*>(base) = total;
  return static_cast<char*>(base) + kHeader;
}

void page_free(void* p) {
  if (!p) return;
  char* base = static_cast<char*>(p) - kHeader;
  munmap(base, *reinterpret_cast<size_t*>(base));
}

}  // namespace leakdbg::fmt
