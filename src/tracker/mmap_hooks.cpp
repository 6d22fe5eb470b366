// mmap, mmap64, munmap, mremap: the program's own mappings become regions with stacks.
// The allocator's internal mappings happen under the recursion guard and are not regions
// (they are heap, accounted through the blocks they hold).
#include <sys/mman.h>

#include <cstdarg>

#include "tracker/hook_support.h"

using namespace leakdbg::tracker;
using leakdbg::fmt::ApiKind;

namespace {

void* map(void* address, size_t length, int prot, int flags, int fd, off_t offset,
          void* (*real)(void*, size_t, int, int, int, off_t)) {
  if (!hook_prologue()) return real(address, length, prot, flags, fd, offset);
  RecursionGuard guard;
  void* result = real(address, length, prot, flags, fd, offset);
  if (result != MAP_FAILED) {
    ErrnoKeeper keep;
    record_mapping(guard, result, length, prot, flags, ApiKind::kMmap);
  }
  return result;
}

}  // namespace

LEAKDBG_HOOK void* mmap(void* address, size_t length, int prot, int flags, int fd, off_t offset) {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();  // g_real.mmap next
  return map(address, length, prot, flags, fd, offset, g_real.mmap);
}

LEAKDBG_HOOK void* mmap64(void* address, size_t length, int prot, int flags, int fd, off_t offset) {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();  // g_real.mmap64 next
  return map(address, length, prot, flags, fd, offset, g_real.mmap64 ? g_real.mmap64 : g_real.mmap);
}

LEAKDBG_HOOK int munmap(void* address, size_t length) {
  if (hook_prologue()) {
    // Forget first, like free: once unmapped, the range may be mapped again by another thread.
    RecursionGuard guard;
    ErrnoKeeper keep;
    record_unmapping(guard, address, length);
  }
  return g_real.munmap(address, length);
}

LEAKDBG_HOOK void* mremap(void* old_address, size_t old_length, size_t new_length, int flags, ...) {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();
  void* new_address = nullptr;
  if (flags & MREMAP_FIXED) {
    va_list args;
    va_start(args, flags);
    new_address = va_arg(args, void*);
    va_end(args);
  }
  if (!hook_prologue())
    return g_real.mremap(old_address, old_length, new_length, flags, new_address);
  RecursionGuard guard;
  Region old;
  bool known = g_regions.find(reinterpret_cast<uintptr_t>(old_address), &old);
  if (!(flags & MREMAP_DONTUNMAP)) record_unmapping(guard, old_address, old_length);
  void* result = g_real.mremap(old_address, old_length, new_length, flags, new_address);
  ErrnoKeeper keep;
  if (result == MAP_FAILED) {
    if (known) g_regions.add(old);  // nothing moved: the old mapping stands
    return result;
  }
  int map_flags = known ? old.map_flags : (MAP_PRIVATE | MAP_ANONYMOUS);
  record_mapping(guard, result, new_length, known ? old.prot : (PROT_READ | PROT_WRITE), map_flags,
                 ApiKind::kMremap);
  return result;
}
