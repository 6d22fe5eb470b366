// Leak shapes for the reachability oracle test (tests/e2e/reach_oracle_test.cpp), as in
// valgrind's and LSan's leak tests: each shape's blocks have their own sizes (multiples of
// 16), and the program ends with its other threads still holding what they hold, so that
// valgrind's exit check and the tracker's exit snapshot see the same moment.
//
//   chain     global -> 48 -> 48 -> 48                         reachable 3
//   lost      one lost 64                                      unreachable 1
//   tree      lost 80 heading 6 x 96                           unreachable 1, indirect 6
//   cycle     lost 112 <-> 112 <-> 112 (a ring)                unreachable 1, indirect 2
//   self      lost 128 pointing at itself                      unreachable 1
//   interior  global -> 144 + 16 (and only that)               possibly 1
//   tls       main thread's __thread -> 160; worker's -> 176   reachable 2
//   stack     worker's stack local -> 192                      reachable 1
//   register  spinning worker holds 208 only in r12 (x86_64)   reachable 1
//   stale     208+16=224 stored deep in a returned frame       unreachable 1
//
// `prog_reach_shapes N` adds a heap of tens of thousands of blocks, beyond what the unit
// tests scan, shaped like a program's: a global array of N
// blocks of 232 bytes, each pointing at two others and into a third; N/10 lost heads of 248
// bytes, each holding three blocks of 264 that point back at it (indirect) and into the
// reachable ones; N/100 blocks of 280 reached only through interior pointers in a second
// global array (possibly). Sizes of their own (a thread's DTV is 288 bytes).
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

void* volatile g_chain;
void* volatile g_interior;
__thread void* volatile t_tls;
std::atomic<int> g_ready{0};
int g_pipe[2];

void escape(void* p) { asm volatile("" : : "r"(p) : "memory"); }

void* alloc(size_t size) {
  void* p = std::malloc(size);
  std::memset(p, 0, size);
  escape(p);
  return p;
}

__attribute__((noinline)) void chain() {
  void** a = static_cast<void**>(alloc(48));
  void** b = static_cast<void**>(alloc(48));
  a[0] = b;
  b[0] = alloc(48);
  g_chain = a;
}

__attribute__((noinline)) void lost() { alloc(64); }

__attribute__((noinline)) void tree() {
  void** root = static_cast<void**>(alloc(80));
  for (int i = 0; i < 2; ++i) {
    void** mid = static_cast<void**>(alloc(96));
    root[i] = mid;
    mid[0] = alloc(96);
    mid[1] = alloc(96);
  }
}

__attribute__((noinline)) void cycle() {
  void** a = static_cast<void**>(alloc(112));
  void** b = static_cast<void**>(alloc(112));
  void** c = static_cast<void**>(alloc(112));
  a[0] = b;
  b[0] = c;
  c[0] = a;
}

__attribute__((noinline)) void self() {
  void** a = static_cast<void**>(alloc(128));
  a[1] = a;
}

void interior() { g_interior = static_cast<char*>(alloc(144)) + 16; }

// The only pointer to a block in a stack slot well below where the program later runs.
__attribute__((noinline)) void stale_at(int depth) {
  volatile char pad[1024];
  pad[0] = 0;
  if (depth > 0) return stale_at(depth - 1);
  void* volatile slot = alloc(224);
  (void)slot;
  (void)pad[0];
}

void* tls_and_stack_worker(void*) {
  t_tls = alloc(176);
  void* volatile local = alloc(192);
  g_ready.fetch_add(1);
  char byte;
  ssize_t ignored = read(g_pipe[0], &byte, 1);  // blocks until the process ends
  (void)ignored;
  escape(local);
  return nullptr;
}

#if defined(__x86_64__)
// Allocates in assembly so that no stack slot ever holds the pointer, then clears the dead
// stack below (the allocator's frames, the red zone) and spins with it only in r12.
void* register_worker(void*) {
  asm volatile(
      "and $-16, %%rsp\n\t"
      "mov $208, %%edi\n\t"
      "call malloc@PLT\n\t"
      "mov %%rax, %%r12\n\t"
      "lea -4096(%%rsp), %%rdi\n\t"
      "xor %%eax, %%eax\n\t"
      "mov $512, %%ecx\n\t"
      "rep stosq\n\t"
      "lock addl $1, %0\n\t"
      "1: pause\n\t"
      "jmp 1b"
      :
      : "m"(g_ready)
      : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "memory");
  return nullptr;
}
#endif

void* volatile g_bulk;
void* volatile g_bulk_interiors;

uint64_t next_random(uint64_t& state) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return state >> 33;
}

__attribute__((noinline)) void* bulk_block() { return alloc(232); }
__attribute__((noinline)) void* bulk_lost_head() { return alloc(248); }
__attribute__((noinline)) void* bulk_indirect() { return alloc(264); }
__attribute__((noinline)) void* bulk_possibly() { return alloc(280); }

__attribute__((noinline)) void bulk(size_t n) {
  auto** blocks = static_cast<void***>(std::calloc(n, sizeof(void*)));
  for (size_t i = 0; i < n; ++i) blocks[i] = static_cast<void**>(bulk_block());
  uint64_t state = 42;
  for (size_t i = 0; i < n; ++i) {
    blocks[i][0] = blocks[next_random(state) % n];
    blocks[i][1] = blocks[next_random(state) % n];
    blocks[i][2] = reinterpret_cast<char*>(blocks[next_random(state) % n]) + 8;
  }
  for (size_t i = 0; i < n / 10; ++i) {
    void** head = static_cast<void**>(bulk_lost_head());
    for (int c = 0; c < 3; ++c) {
      void** child = static_cast<void**>(bulk_indirect());
      child[0] = head;
      child[1] = reinterpret_cast<char*>(blocks[next_random(state) % n]) + 16;
      head[c] = child;
    }
  }
  auto** interiors = static_cast<char**>(std::calloc(n / 100 + 1, sizeof(char*)));
  for (size_t i = 0; i < n / 100; ++i) interiors[i] = static_cast<char*>(bulk_possibly()) + 16;
  g_bulk = blocks;
  g_bulk_interiors = interiors;
}

// Zeroes the stack below the caller's frame, where bulk()'s frame was: the exit paths of
// memcheck and of the tracker reach down over it, and a slot of it left holding a pointer
// into a lost tree would be read by one of them and not the other.
__attribute__((noinline)) void scrub_stack() {
  volatile char pad[64 * 1024];
  for (size_t i = 0; i < sizeof pad; ++i) pad[i] = 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (pipe(g_pipe) != 0) return 1;
  if (argc > 1) {
    bulk(std::strtoull(argv[1], nullptr, 10));
    scrub_stack();
  }
  chain();
  lost();
  tree();
  cycle();
  self();
  interior();
  t_tls = alloc(160);
  stale_at(48);
  int workers = 1;
  pthread_t thread;
  pthread_create(&thread, nullptr, tls_and_stack_worker, nullptr);
#if defined(__x86_64__)
  pthread_create(&thread, nullptr, register_worker, nullptr);
  ++workers;
#endif
  while (g_ready.load() < workers) usleep(1000);
  return 0;
}
