// Anonymous mmap regions of every reachability class, for tests/e2e/reach_regions_test.cpp.
// Each region has its own length; the program prints "NAME ADDRESS" for each, then ends with
// its worker threads still running, so that the exit snapshot sees them hold what they hold.
//
//   lost        12 KiB, no pointer kept                           unreachable
//   head        40 KiB, no pointer kept; points at `child` and a
//               240-byte heap block                               unreachable
//   child       44 KiB, pointed at only from `head`               indirect (block 240 too)
//   global      16 KiB, a global points at it                     reachable
//   heap        20 KiB, a heap block reachable from a global      reachable
//   stack       24 KiB, only a worker's stack local               reachable
//   interior    28 KiB, a global points 100 bytes in              possibly
//   altstack    32 KiB, the main thread's signal stack, no
//               pointer kept (the kernel holds it)                reachable
//   threadstack 256 KiB, a worker's stack (pthread_attr_setstack),
//               no pointer kept                                   reachable
//   shared      36 KiB, MAP_SHARED, no pointer kept               not classified
// The `global` region is also held by a second global, g_global_copy: two referrers.
//
// With --grow-seconds S the program then grows two mmap sites for S seconds, 50 rounds a
// second, for leakdbg analyze: pool_region maps 8 KiB that the global array g_pool keeps
// (reachable, held by g_pool), drop_region maps 4 KiB and drops the pointer (unreachable).
// It prints "pooled N dropped M" at the end.
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "program_options.h"

// Outside the anonymous namespace, so that the symbols read "g_pool" and "g_global_copy".
constexpr unsigned kPoolCapacity = 4096;
void* volatile g_pool[kPoolCapacity];
unsigned g_pooled = 0;
void* volatile g_global_copy;

namespace {

constexpr size_t kKiB = 1024;
void* volatile g_global;
void* volatile g_holder;
void* volatile g_interior;
std::atomic<int> g_ready{0};
int g_pipe[2];

void* map(size_t length, int flags = MAP_PRIVATE | MAP_ANONYMOUS) {
  void* p = mmap(nullptr, length, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (p == MAP_FAILED) std::abort();
  std::memset(p, 0, length);
  return p;
}

void say(const char* name, const void* address) {
  std::printf("%s %lx\n", name, reinterpret_cast<unsigned long>(address));
}

// The C library's copies (printf, memset) leave pointers in vector registers, which the exit
// snapshot scans as the exiting thread's: cleared after each step.
void clear_vector_registers() {
#if defined(__x86_64__)
  asm volatile(
      "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\tpxor %%xmm2, %%xmm2\n\t"
      "pxor %%xmm3, %%xmm3\n\tpxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
      "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\tpxor %%xmm8, %%xmm8\n\t"
      "pxor %%xmm9, %%xmm9\n\tpxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
      "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\tpxor %%xmm14, %%xmm14\n\t"
      "pxor %%xmm15, %%xmm15" ::
          : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
            "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#endif
}

// The regions whose pointers are dropped are made deep below where the program later runs,
// so that no stale stack slot the exit snapshot scans still holds them.
__attribute__((noinline)) void make_lost(int depth) {
  volatile char pad[1024];
  pad[0] = 0;
  if (depth > 0) return make_lost(depth - 1);
  say("lost", map(12 * kKiB));
  void** head = static_cast<void**>(map(40 * kKiB));
  void* child = map(44 * kKiB);
  void* block = std::malloc(240);
  std::memset(block, 0, 240);
  head[0] = child;
  head[1] = block;
  say("head", head);
  say("child", child);
  say("block", block);
  say("shared", map(36 * kKiB, MAP_SHARED | MAP_ANONYMOUS));
  char* interior = static_cast<char*>(map(28 * kKiB));
  say("interior", interior);
  g_interior = interior + 100;
  stack_t altstack{};
  altstack.ss_sp = map(32 * kKiB);
  altstack.ss_size = 32 * kKiB;
  if (sigaltstack(&altstack, nullptr) != 0) std::abort();
  say("altstack", altstack.ss_sp);
  std::memset(&altstack, 0, sizeof altstack);
  clear_vector_registers();
  (void)pad[0];
}

void* stack_worker(void*) {
  void* volatile local = map(24 * kKiB);
  say("stack", local);
  std::fflush(stdout);
  g_ready.fetch_add(1);
  char byte;
  ssize_t ignored = read(g_pipe[0], &byte, 1);  // blocks until the process ends
  (void)ignored;
  return nullptr;
}

void* blocked_worker(void*) {
  g_ready.fetch_add(1);
  char byte;
  ssize_t ignored = read(g_pipe[0], &byte, 1);
  (void)ignored;
  return nullptr;
}

// A region held only through a heap block (made deep, as above, so that no stack slot the
// scan reads holds it too).
__attribute__((noinline)) void make_held(int depth) {
  volatile char pad[1024];
  pad[0] = 0;
  if (depth > 0) return make_held(depth - 1);
  void** holder = static_cast<void**>(std::malloc(64));
  holder[0] = map(20 * kKiB);
  g_holder = holder;
  say("heap", holder[0]);
  clear_vector_registers();
  (void)pad[0];
}

__attribute__((noinline)) void start_on_own_stack(int depth) {
  volatile char pad[1024];
  pad[0] = 0;
  if (depth > 0) return start_on_own_stack(depth - 1);
  void* stack = map(256 * kKiB);
  say("threadstack", stack);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack, 256 * kKiB);
  pthread_t thread;
  if (pthread_create(&thread, &attr, blocked_worker, nullptr) != 0) std::abort();
  pthread_attr_destroy(&attr);
  (void)pad[0];
}

}  // namespace

__attribute__((noinline)) void pool_region() {
  if (g_pooled < kPoolCapacity) g_pool[g_pooled++] = map(8 * kKiB);
}

// Deep, as make_lost: no stack slot the running snapshots read keeps the pointer.
__attribute__((noinline)) void drop_region(int depth) {
  volatile char pad[1024];
  pad[0] = 0;
  if (depth > 0) return drop_region(depth - 1);
  void* volatile dropped = map(4 * kKiB);
  dropped = nullptr;
  clear_vector_registers();
  (void)pad[0];
}

void grow(double seconds) {
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  unsigned rounds = 0;
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    const auto due = static_cast<unsigned>(std::chrono::duration<double>(now - start).count() * 50);
    for (; rounds < due && g_pooled < kPoolCapacity; ++rounds) {
      pool_region();
      drop_region(32);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::printf("pooled %u dropped %u\n", g_pooled, rounds);
}

int main(int argc, char** argv) {
  if (pipe(g_pipe) != 0) return 1;
  make_lost(32);
  start_on_own_stack(32);
  g_global = map(16 * kKiB);
  g_global_copy = g_global;
  say("global", g_global);
  make_held(32);
  pthread_t thread;
  pthread_create(&thread, nullptr, stack_worker, nullptr);
  while (g_ready.load() < 2) usleep(1000);
  if (const char* seconds = program_options::option(argc, argv, "--grow-seconds"))
    grow(std::atof(seconds));
  std::fflush(stdout);
  clear_vector_registers();
  return 0;
}
