// The C allocation API. Each hook forwards to the real function and records the result;
// results and errno are exactly the real function's.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tracker/hook_support.h"

using namespace leakdbg::tracker;
using leakdbg::fmt::ApiKind;

namespace {

// realloc and reallocarray: the old block is forgotten before the real call (so that its
// address cannot be reused and recorded in between) and put back if the call fails.
template <class RealCall>
void* reallocate(void* p, size_t size, bool size_overflowed, ApiKind api, RealCall call) {
  if (!hook_prologue()) return call();
  RecursionGuard guard;
  LiveBlock old;
  bool had_old = false;
  if (p) {
    prefetch_for_release(p);
    ErrnoKeeper keep;
    had_old = record_release(guard, p, ReleaseKind::kFree, &old);
  }
  void* result = call();
  ErrnoKeeper keep;
  if (result) {
    record_allocation(guard, result, size, api);
  } else if (had_old && (size != 0 || size_overflowed)) {
    restore_block(guard, old);  // failed: the old block is still the program's
  }
  // realloc(p, 0) returning NULL freed p (glibc): nothing to put back.
  return result;
}

// While the real functions are being resolved, dlsym's own allocations on this thread are
// served from a static pool.
bool in_bootstrap() {
  return LEAKDBG_UNLIKELY(!real_functions_ready()) && resolving_on_this_thread();
}

}  // namespace

LEAKDBG_HOOK void* malloc(size_t size) {
  if (in_bootstrap()) return bootstrap_allocate(size, 16);
  return allocate_and_record(size, ApiKind::kMalloc, [&] { return g_real.malloc(size); });
}

LEAKDBG_HOOK void* calloc(size_t count, size_t size) {
  size_t bytes;
  if (in_bootstrap())
    return __builtin_mul_overflow(count, size, &bytes) ? nullptr : bootstrap_allocate(bytes, 16);
  return allocate_and_record(count * size, ApiKind::kCalloc,
                             [&] { return g_real.calloc(count, size); });
}

LEAKDBG_HOOK void free(void* p) {
  if (LEAKDBG_UNLIKELY(!p)) return;
  if (LEAKDBG_UNLIKELY(in_bootstrap_pool(p))) return;  // static memory: nothing to release
  forget_and_release(p, ReleaseKind::kFree, [&] { g_real.free(p); });
}

LEAKDBG_HOOK void* realloc(void* p, size_t size) {
  if (in_bootstrap()) {
    void* fresh = bootstrap_allocate(size, 16);
    if (fresh && p) std::memcpy(fresh, p, std::min(size, bootstrap_size(p)));
    return fresh;
  }
  if (LEAKDBG_UNLIKELY(in_bootstrap_pool(p))) {
    // A dlsym-time block growing after start: move it to the real allocator.
    void* fresh = malloc(size);
    if (fresh) std::memcpy(fresh, p, std::min(size, bootstrap_size(p)));
    return fresh;
  }
  return reallocate(p, size, false, ApiKind::kRealloc, [&] { return g_real.realloc(p, size); });
}

LEAKDBG_HOOK void* reallocarray(void* p, size_t count, size_t size) {
  if (LEAKDBG_UNLIKELY(!real_functions_ready())) ensure_initialized();
  size_t bytes = 0;
  bool overflow = __builtin_mul_overflow(count, size, &bytes);
  if (!g_real.reallocarray) {
    // Older C libraries: the same contract built from realloc.
    if (overflow) {
      errno = ENOMEM;
      return nullptr;
    }
    return realloc(p, bytes);
  }
  return reallocate(p, bytes, overflow, ApiKind::kReallocArray,
                    [&] { return g_real.reallocarray(p, count, size); });
}

LEAKDBG_HOOK void* memalign(size_t alignment, size_t size) {
  if (in_bootstrap()) return bootstrap_allocate(size, alignment);
  return allocate_and_record(size, ApiKind::kMemalign,
                             [&] { return g_real.memalign(alignment, size); });
}

LEAKDBG_HOOK int posix_memalign(void** out, size_t alignment, size_t size) {
  int result = 0;
  allocate_and_record(size, ApiKind::kPosixMemalign, [&]() -> void* {
    result = g_real.posix_memalign(out, alignment, size);
    return result == 0 ? *out : nullptr;
  });
  return result;
}

LEAKDBG_HOOK void* aligned_alloc(size_t alignment, size_t size) {
  return allocate_and_record(size, ApiKind::kAlignedAlloc,
                             [&] { return g_real.aligned_alloc(alignment, size); });
}

LEAKDBG_HOOK void* valloc(size_t size) {
  return allocate_and_record(size, ApiKind::kValloc, [&] { return g_real.valloc(size); });
}

LEAKDBG_HOOK void* pvalloc(size_t size) {
  return allocate_and_record(size, ApiKind::kPvalloc, [&] { return g_real.pvalloc(size); });
}
