// Eight threads allocating, freeing, reallocating and mapping at once while the tracker takes
// snapshots. Usage: prog_tracker_stress SECONDS
// At the end (all workers joined: a quiescent point) it asks for a snapshot labelled
// "quiescent" (and one labelled "start" when it begins) and prints how many heap blocks and bytes,
// and how many mapped regions and bytes, its workers still hold; the test compares those with the
// snapshot. Bookkeeping lives in static arrays, so the program's own counts are only the workers'
// blocks.
#include <leakdbg/leakdbg.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <thread>

namespace {

constexpr int kThreads = 8;
constexpr int kSlotsPerThread = 4096;
constexpr int kMapsPerThread = 16;

struct Held {
  void* p;
  size_t size;
  int kind;  // 0 malloc/realloc, 1 new[]
};
Held held[kThreads][kSlotsPerThread];
void* maps[kThreads][kMapsPerThread];
size_t map_sizes[kThreads][kMapsPerThread];

uint64_t next_random(uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

void release(Held& h) {
  if (!h.p) return;
  if (h.kind == 1)
    delete[] static_cast<char*>(h.p);
  else
    std::free(h.p);
  h.p = nullptr;
}

void worker(int t, std::chrono::steady_clock::time_point until) {
  uint64_t state = 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(t + 1);
  while (std::chrono::steady_clock::now() < until) {
    for (int step = 0; step < 1000; ++step) {
      uint64_t r = next_random(state);
      Held& h = held[t][r % kSlotsPerThread];
      size_t size = 1 + (r >> 20) % 2048;
      switch ((r >> 40) % 8) {
        case 0:
        case 1:
        case 2:
          release(h);
          h = {std::malloc(size), size, 0};
          break;
        case 3:
          release(h);
          h = {new char[size], size, 1};
          break;
        case 4:
          if (h.p && h.kind == 0) {
            void* q = std::realloc(h.p, size);
            if (q) h = {q, size, 0};
          }
          break;
        case 5: {
          int m = static_cast<int>((r >> 8) % kMapsPerThread);
          if (maps[t][m]) {
            munmap(maps[t][m], map_sizes[t][m]);
            maps[t][m] = nullptr;
          } else {
            size_t length = 4096 * (1 + (r >> 50) % 8);
            void* p =
                mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p != MAP_FAILED) {
              maps[t][m] = p;
              map_sizes[t][m] = length;
            }
          }
          break;
        }
        default:
          release(h);
          break;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2;
  // The C library keeps each exited thread's stack and its TLS vector (a heap block) for
  // reuse: run as many threads once before the baseline so those blocks are in it.
  {
    std::thread warm[kThreads];
    for (auto& th : warm) th = std::thread([] {});
    for (auto& th : warm) th.join();
  }
  leakdbg_snapshot("start");
  auto until = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  std::thread threads[kThreads];
  for (int t = 0; t < kThreads; ++t) threads[t] = std::thread(worker, t, until);
  for (auto& th : threads) th.join();

  uint64_t blocks = 0, bytes = 0, regions = 0, region_bytes = 0;
  for (auto& row : held)
    for (const Held& h : row)
      if (h.p) {
        ++blocks;
        bytes += h.size;
      }
  for (int t = 0; t < kThreads; ++t)
    for (int m = 0; m < kMapsPerThread; ++m)
      if (maps[t][m]) {
        ++regions;
        region_bytes += map_sizes[t][m];
      }
  int snapshot = leakdbg_snapshot("quiescent");
  std::printf("snapshot=%d blocks=%llu bytes=%llu regions=%llu region_bytes=%llu\n", snapshot,
              static_cast<unsigned long long>(blocks), static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(regions),
              static_cast<unsigned long long>(region_bytes));
  return 0;
}
