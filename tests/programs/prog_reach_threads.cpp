// Eight threads that allocate, hand pointers through registers, stack frames and a shared
// mailbox, and free, for tests/e2e/reach_concurrent_test.cpp: every block of 1040 bytes
// (a holder) and 1552 bytes (its child) is always held by someone, so no snapshot may
// ever class one of them as anything but reachable.
//
// The discipline that keeps them held at every instant: a pointer is only ever moved by
// copying it before the old copy is cleared (or by an atomic exchange), and a block is freed
// straight from the slot that holds it.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include "program_options.h"

namespace {

constexpr size_t kHolderSize = 1040, kChildSize = 1552;
constexpr int kThreads = 8, kHeld = 16, kMailboxes = 32;

std::atomic<bool> g_stop{false};
std::atomic<void*> g_mailbox[kMailboxes];

void* make_holder() {
  auto** holder = static_cast<void**>(std::malloc(kHolderSize));
  holder[0] = std::malloc(kChildSize);
  return holder;
}

void release(void* p) {
  auto** holder = static_cast<void**>(p);
  std::free(holder[0]);
  std::free(holder);
}

// Passes the pointer down a few frames and back, in registers and in stack slots.
__attribute__((noinline)) void* relay(void* p, int depth) {
  void* volatile slot = p;  // a stack copy
  asm volatile("" : "+r"(p));
  if (depth > 0) p = relay(p, depth - 1);
  asm volatile("" : "+r"(p));
  return slot == p ? p : slot;
}

void* worker(void* arg) {
  uint64_t seed = reinterpret_cast<uintptr_t>(arg) * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  void* held[kHeld] = {};
  while (!g_stop.load(std::memory_order_relaxed)) {
    const int i = static_cast<int>(next() % kHeld);
    switch (next() % 4) {
      case 0:  // replace
        if (held[i]) release(held[i]);
        held[i] = make_holder();
        break;
      case 1: {  // through registers and frames: copied out before the slot is cleared
        void* p = held[i];
        asm volatile("" : "+r"(p));
        held[i] = nullptr;
        p = relay(p, static_cast<int>(next() % 6));
        held[i] = p;
        break;
      }
      case 2:  // swap with a mailbox: the exchange hands it over in one step
        held[i] = g_mailbox[next() % kMailboxes].exchange(held[i]);
        break;
      default:  // a new child for a holder
        if (held[i]) {
          auto** holder = static_cast<void**>(held[i]);
          void* child = std::malloc(kChildSize);
          void* old = holder[0];
          holder[0] = child;
          std::free(old);
        }
        break;
    }
  }
  for (void*& p : held)
    if (p) release(p);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = program_options::seconds(argc, argv, 2.0);
  pthread_t threads[kThreads];
  for (int t = 0; t < kThreads; ++t)
    pthread_create(&threads[t], nullptr, worker, reinterpret_cast<void*>(uintptr_t(t + 1)));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  g_stop.store(true);
  for (pthread_t& t : threads) pthread_join(t, nullptr);
  for (auto& box : g_mailbox)
    if (void* p = box.exchange(nullptr)) release(p);
  return 0;
}
