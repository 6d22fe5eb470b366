// Grows its private memory at a known, steady rate, then exits:
//   prog_grow_rate [BYTES_PER_SECOND=8388608] [SECONDS=4] [STEP_MS=50]
// Every step it allocates and touches rate*step bytes (above the mmap threshold, so each
// is its own mapping and counts in Private Bytes at once). It prints its pid first and
// exits without freeing.
// Used by procmem_top_test to check the rate `leakdbg top` reports.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  double rate = argc > 1 ? std::atof(argv[1]) : 8.0 * 1024 * 1024;
  double seconds = argc > 2 ? std::atof(argv[2]) : 4.0;
  int step_ms = argc > 3 ? std::atoi(argv[3]) : 50;
  if (rate <= 0 || seconds <= 0 || step_ms <= 0) {
    std::fprintf(stderr, "usage: prog_grow_rate [BYTES_PER_SECOND] [SECONDS] [STEP_MS]\n");
    return 2;
  }
  std::printf("pid=%d\n", getpid());
  std::fflush(stdout);
  size_t step_bytes = static_cast<size_t>(rate * step_ms / 1000.0);
  long steps = static_cast<long>(seconds * 1000.0 / step_ms);
  std::vector<void*> kept;
  auto start = std::chrono::steady_clock::now();
  for (long i = 1; i <= steps; ++i) {
    void* p = std::malloc(step_bytes);
    if (!p) return 1;
    std::memset(p, 0x42, step_bytes);
    kept.push_back(p);
    std::this_thread::sleep_until(start + std::chrono::milliseconds(i * step_ms));
  }
  // Exits without freeing: the memory stays counted until the very end, so that a watcher
  // never sees a drop that is not part of the known rate.
  return 0;
}
