// Prints what the allocation API returns in its edge cases (result null or not, errno), so
// that a run under the tracker can be compared line by line with a run without it.
#include <malloc.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace {

void report(const char* what, const void* p, int error) {
  std::printf("%s: %s errno=%d\n", what, p ? "ptr" : "null", p ? 0 : error);
}

template <class F>
void check(const char* what, F call) {
  errno = 0;
  void* p = call();
  report(what, p, errno);
}

// Sizes no allocator can serve, hidden from the compiler's constant checks.
volatile size_t huge_size = SIZE_MAX / 4;
volatile size_t half_max = SIZE_MAX / 2;
volatile size_t near_max = SIZE_MAX - 100;

}  // namespace

int main() {
  check("malloc(0)", [] { return std::malloc(0); });
  check("realloc(NULL, 40)", [] { return std::realloc(nullptr, 40); });
  check("realloc(p, 0)", [] { return std::realloc(std::malloc(10), 0); });
  check("realloc grow", [] {
    auto* p = static_cast<char*>(std::malloc(16));
    std::strcpy(p, "keep me");
    auto* q = static_cast<char*>(std::realloc(p, 100000));
    return std::strcmp(q, "keep me") == 0 ? static_cast<void*>(q) : nullptr;
  });
  check("realloc huge", [] {
    void* p = std::malloc(10);
    void* q = std::realloc(p, near_max);
    if (!q) std::free(p);
    return q;
  });
  check("calloc overflow", [] { return std::calloc(half_max, 4); });
  check("calloc zeroed", [] {
    auto* p = static_cast<unsigned char*>(std::calloc(100, 10));
    for (int i = 0; i < 1000; ++i)
      if (p[i]) return static_cast<void*>(nullptr);
    return static_cast<void*>(p);
  });
  check("reallocarray overflow", [] { return reallocarray(nullptr, half_max, 4); });
  check("reallocarray ok", [] { return reallocarray(nullptr, 10, 4); });
  check("aligned_alloc(64, 100)", [] { return aligned_alloc(64, 100); });
  check("aligned_alloc(3, 100)", [] { return aligned_alloc(3, 100); });
  check("memalign(3, 100)", [] { return memalign(3, 100); });
  check("memalign(1<<20, 10)", [] { return memalign(1 << 20, 10); });
  check("valloc(10)", [] { return valloc(10); });
  check("pvalloc(10)", [] { return pvalloc(10); });
  check("malloc huge", [] { return std::malloc(near_max); });
  {
    void* p = nullptr;
    int r = posix_memalign(&p, 3, 100);
    std::printf("posix_memalign(3): %d\n", r);
    r = posix_memalign(&p, 64, 100);
    std::printf("posix_memalign(64): %d aligned=%d\n", r,
                static_cast<int>(reinterpret_cast<uintptr_t>(p) % 64 == 0));
    std::free(p);
  }
  check("new nothrow huge", [] { return static_cast<void*>(new (std::nothrow) char[huge_size]); });
  try {
    char* volatile p = new char[huge_size];
    std::printf("new huge: no throw %p\n", static_cast<void*>(p));
  } catch (const std::bad_alloc&) {
    std::printf("new huge: bad_alloc\n");
  }
  check("new aligned", [] { return ::operator new (100, std::align_val_t{256}); });
  check("mmap bad", [] {
    void* p = mmap(nullptr, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
  });
  errno = 0;
  int r = munmap(reinterpret_cast<void*>(1), 4096);
  std::printf("munmap unaligned: %d errno=%d\n", r, errno);
  std::free(nullptr);
  std::printf("usable(malloc(20)) >= 20: %d\n",
              static_cast<int>(malloc_usable_size(std::malloc(20)) >= 20));
  return 0;
}
