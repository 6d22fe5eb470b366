// The one list of functions the tracker replaces. Each entry: field name, symbol looked up
// with dlsym(RTLD_NEXT), return type, parameter list. Adding a hook is one line here plus
// its definition; the real-function table and the start-up check follow from this list.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <new>

#define LEAKDBG_HOOKED_SYMBOLS(X)                                                     \
  X(malloc, "malloc", void*, (size_t))                                                \
  X(calloc, "calloc", void*, (size_t, size_t))                                        \
  X(realloc, "realloc", void*, (void*, size_t))                                       \
  X(reallocarray, "reallocarray", void*, (void*, size_t, size_t))                     \
  X(free, "free", void, (void*))                                                      \
  X(memalign, "memalign", void*, (size_t, size_t))                                    \
  X(posix_memalign, "posix_memalign", int, (void**, size_t, size_t))                  \
  X(aligned_alloc, "aligned_alloc", void*, (size_t, size_t))                          \
  X(valloc, "valloc", void*, (size_t))                                                \
  X(pvalloc, "pvalloc", void*, (size_t))                                              \
  X(mmap, "mmap", void*, (void*, size_t, int, int, int, off_t))                       \
  X(mmap64, "mmap64", void*, (void*, size_t, int, int, int, off_t))                   \
  X(munmap, "munmap", int, (void*, size_t))                                           \
  X(mremap, "mremap", void*, (void*, size_t, size_t, int, void*))                     \
  X(dlclose, "dlclose", int, (void*))                                                 \
  X(exit_, "_exit", void, (int))                                                      \
  X(exit_upper, "_Exit", void, (int))                                                 \
  X(new_, "_Znwm", void*, (size_t))                                                   \
  X(new_array, "_Znam", void*, (size_t))                                              \
  X(new_nothrow, "_ZnwmRKSt9nothrow_t", void*, (size_t, const std::nothrow_t&))       \
  X(new_array_nothrow, "_ZnamRKSt9nothrow_t", void*, (size_t, const std::nothrow_t&)) \
  X(new_aligned, "_ZnwmSt11align_val_t", void*, (size_t, std::align_val_t))           \
  X(new_array_aligned, "_ZnamSt11align_val_t", void*, (size_t, std::align_val_t))     \
  X(new_aligned_nothrow, "_ZnwmSt11align_val_tRKSt9nothrow_t", void*,                 \
    (size_t, std::align_val_t, const std::nothrow_t&))                                \
  X(new_array_aligned_nothrow, "_ZnamSt11align_val_tRKSt9nothrow_t", void*,           \
    (size_t, std::align_val_t, const std::nothrow_t&))                                \
  X(delete_, "_ZdlPv", void, (void*))                                                 \
  X(delete_array, "_ZdaPv", void, (void*))                                            \
  X(delete_aligned, "_ZdlPvSt11align_val_t", void, (void*, std::align_val_t))         \
  X(delete_array_aligned, "_ZdaPvSt11align_val_t", void, (void*, std::align_val_t))

// Not hooked, only called: how big a live block really is (non-glibc allocators).
#define LEAKDBG_CALLED_SYMBOLS(X) X(malloc_usable_size, "malloc_usable_size", size_t, (void*))

namespace leakdbg::tracker {

struct RealFunctions {
#define LEAKDBG_REAL_FIELD(field, symbol, ret, params) ret(*field) params = nullptr;
  LEAKDBG_HOOKED_SYMBOLS(LEAKDBG_REAL_FIELD)
  LEAKDBG_CALLED_SYMBOLS(LEAKDBG_REAL_FIELD)
#undef LEAKDBG_REAL_FIELD
};

extern RealFunctions g_real;

// Resolves g_real once (thread-safe; later callers wait for the first). Allocations made by
// dlsym meanwhile are served from a small static pool.
void resolve_real_functions();
extern std::atomic<bool> g_real_functions_ready;
// Inline: every hook asks first.
inline bool real_functions_ready() {
  return g_real_functions_ready.load(std::memory_order_acquire);
}

// The bootstrap pool behind dlsym's own allocations during resolution.
bool in_bootstrap_pool(const void* p);
void* bootstrap_allocate(size_t size, size_t alignment);
size_t bootstrap_size(const void* p);
bool resolving_on_this_thread();

}  // namespace leakdbg::tracker
