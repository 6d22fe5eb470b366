#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "tracker/hooked_symbols.h"
#include "tracker/spin_lock.h"

namespace leakdbg::tracker {

RealFunctions g_real;

std::atomic<bool> g_real_functions_ready{false};

namespace {

SpinLock g_resolve_lock;
__thread bool t_resolving __attribute__((tls_model("initial-exec"))) = false;

// dlsym allocates a little (an error-string buffer, a few hundred bytes) while the real
// malloc is not known yet. 64 KiB is far more than glibc needs; blocks are never reused.
alignas(64) char g_pool[64 * 1024];
std::atomic<size_t> g_pool_used{0};
constexpr size_t kHeader = 16;  // block size stored in front of each block

}  // namespace

bool in_bootstrap_pool(const void* p) {
  auto address = reinterpret_cast<uintptr_t>(p);
  auto start = reinterpret_cast<uintptr_t>(g_pool);
  return address >= start && address < start + sizeof g_pool;
}

void* bootstrap_allocate(size_t size, size_t alignment) {
  if (alignment < kHeader) alignment = kHeader;
  size_t used = g_pool_used.load(std::memory_order_relaxed);
  while (true) {
    size_t start = (used + kHeader + alignment - 1) & ~(alignment - 1);
    size_t end = start + ((size + 15) & ~size_t{15});
    if (end > sizeof g_pool || end < start) return nullptr;
    if (g_pool_used.compare_exchange_weak(used, end, std::memory_order_relaxed)) {
      std::memcpy(g_pool + start - sizeof(size_t), &size, sizeof(size_t));
      return g_pool + start;  // static storage: already zero, so calloc is served too
    }
  }
}

size_t bootstrap_size(const void* p) {
  size_t size;
  std::memcpy(&size, static_cast<const char*>(p) - sizeof(size_t), sizeof(size_t));
  return size;
}

bool resolving_on_this_thread() { return t_resolving; }

void resolve_real_functions() {
  if (g_real_functions_ready.load(std::memory_order_acquire)) return;
  SpinLockGuard guard(g_resolve_lock);
  if (g_real_functions_ready.load(std::memory_order_relaxed)) return;
  t_resolving = true;
  RealFunctions real;
#define LEAKDBG_RESOLVE(field, symbol, ret, params) \
  real.field = reinterpret_cast<ret(*) params>(dlsym(RTLD_NEXT, symbol));
  LEAKDBG_HOOKED_SYMBOLS(LEAKDBG_RESOLVE)
  LEAKDBG_CALLED_SYMBOLS(LEAKDBG_RESOLVE)
#undef LEAKDBG_RESOLVE
  t_resolving = false;
  // The C allocation API must exist (it always does with glibc); the C++ operators are only
  // called by programs that have a C++ runtime, which then also provides them.
  if (!real.malloc || !real.calloc || !real.realloc || !real.free || !real.mmap || !real.munmap) {
    static const char message[] = "leakdbg: cannot find the real allocation functions\n";
    ssize_t ignored = write(2, message, sizeof message - 1);
    (void)ignored;
    _exit(127);
  }
  g_real = real;
  g_real_functions_ready.store(true, std::memory_order_release);
}

}  // namespace leakdbg::tracker
