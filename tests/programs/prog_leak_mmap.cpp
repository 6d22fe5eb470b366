// Maps anonymous memory directly (the VirtualAlloc class of leak): each cycle maps a scratch
// region that is unmapped again, and a segment for a table that is never unmapped.
//   --seconds S   run for S seconds (default 3), a cycle every 20 ms
#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "program_options.h"

namespace {

constexpr size_t kSegment = 64 * 1024;
constexpr int kProt = PROT_READ | PROT_WRITE;
constexpr int kFlags = MAP_PRIVATE | MAP_ANONYMOUS;

__attribute__((noinline)) char* map_segment() {
  void* p = mmap(nullptr, kSegment, kProt, kFlags, -1, 0);  // LEAK-SITE
  if (p == MAP_FAILED) std::abort();
  return static_cast<char*>(p);
}

__attribute__((noinline)) unsigned use_scratch(unsigned seed) {
  void* p = mmap(nullptr, kSegment, kProt, kFlags, -1, 0);
  if (p == MAP_FAILED) std::abort();
  auto* bytes = static_cast<unsigned char*>(p);
  std::memset(bytes, static_cast<int>(seed & 0xff), kSegment);
  unsigned sum = bytes[seed % kSegment];
  munmap(p, kSegment);
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  unsigned sum = 0, segments = 0;
  while (std::chrono::steady_clock::now() < end) {
    char* table = map_segment();
    std::memset(table, 1, kSegment);  // touched: it counts in private bytes
    ++segments;
    sum += use_scratch(segments);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf("%u segments, %u\n", segments, sum);
  return 0;
}
