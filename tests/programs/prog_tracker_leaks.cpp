// Leaks a known number of objects from several threads, through a call chain, built -O2
// without frame pointers. Usage: prog_tracker_leaks THREADS LEAKS_PER_THREAD [RUN_MS]
// Also: 7 leaked before main (static initialisation), blocks freed by another thread than
// their allocator, threads that exit before the program does, and a snapshot asked for
// through the program API. It prints nothing to stdout.
#include <leakdbg/leakdbg.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Widget {
  virtual ~Widget() = default;
  long id = 0;
  char payload[40] = {};
};

constexpr int kLeakedBeforeMain = 7;

struct EarlyLeaker {
  EarlyLeaker() {
    for (int i = 0; i < kLeakedBeforeMain; ++i) {
      void* volatile p = std::malloc(24);
      (void)p;
    }
  }
} early_leaker;

// A hand-off queue of raw pointers in static storage (no heap of its own), so that blocks
// allocated by one thread are freed by another.
constexpr int kSlots = 1024;
std::atomic<void*> handoff[kSlots];

__attribute__((noinline)) Widget* make_widget(long id) {
  auto* w = new Widget;
  w->id = id;
  return w;
}
__attribute__((noinline)) Widget* build_level2(long id) { return make_widget(id); }
__attribute__((noinline)) Widget* build_level1(long id) { return build_level2(id); }

void worker(int index, int leaks) {
  for (int i = 0; i < leaks; ++i) {
    Widget* volatile leaked = build_level1(index * 100000 + i);
    (void)leaked;
  }
  // Temporaries, freed by this thread.
  for (int i = 0; i < 1000; ++i) {
    std::string s(100 + i % 50, 'x');
    asm volatile("" : : "r"(s.data()) : "memory");
  }
  // Blocks for another thread to free.
  for (int i = 0; i < kSlots / 8; ++i) {
    void* p = std::malloc(64 + index);
    int slot = index * (kSlots / 8) + i;
    handoff[slot % kSlots].store(p);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 4;
  int leaks = argc > 2 ? std::atoi(argv[2]) : 100;
  int run_ms = argc > 3 ? std::atoi(argv[3]) : 0;
  if (threads < 1 || threads > 8 || leaks < 0) return 2;

  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t, leaks);
  for (auto& t : pool) t.join();
  pool.clear();
  pool.shrink_to_fit();

  // A different thread frees what the workers handed off.
  std::thread freer([] {
    for (auto& slot : handoff) std::free(slot.exchange(nullptr));
  });
  freer.join();

  leakdbg_snapshot("after-workers");
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(run_ms);
  while (std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return 0;
}
