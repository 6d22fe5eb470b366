// 2 M live blocks (16-64 bytes, from 8 call sites): the program reports its RSS with them
// all live, then asks for one snapshot through the program API while another thread keeps
// allocating, and reports how long the snapshot took and the longest free + malloc pair
// that overlapped it. Native (untracked) the API is a no-op, which gives the baseline.
//
// usage: live_blocks_bench [BLOCKS [MIN_SIZE MAX_SIZE]]   (sizes default to 16 64)
// Prints key=value pairs on one line: blocks, rss_bytes, snapshot_seconds, snapshot_ok,
// max_stall_during_snapshot_ms, max_stall_before_snapshot_ms, peak_rss_bytes (the whole
// run's high-water mark, the snapshot's buffers included), heap_bytes (requested bytes of
// the live blocks).
#include <leakdbg/leakdbg.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "stall_meter.h"

namespace {

using leakdbg::bench::now_ns;
using leakdbg::bench::StallMeter;

#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

template <int Site>
__attribute__((noinline)) void* allocate_at_site(size_t size) {
  void* block = std::malloc(size);
  KEEP_FRAME();
  return block;
}

void* allocate(size_t index, size_t size) {
  switch (index % 8) {
    case 0:
      return allocate_at_site<0>(size);
    case 1:
      return allocate_at_site<1>(size);
    case 2:
      return allocate_at_site<2>(size);
    case 3:
      return allocate_at_site<3>(size);
    case 4:
      return allocate_at_site<4>(size);
    case 5:
      return allocate_at_site<5>(size);
    case 6:
      return allocate_at_site<6>(size);
    default:
      return allocate_at_site<7>(size);
  }
}

// VmRSS, or with "VmHWM:" the peak.
uint64_t rss_bytes(const char* field = "VmRSS:") {
  FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 0;
  char line[256];
  uint64_t kib = 0;
  while (std::fgets(line, sizeof line, status) != nullptr)
    if (std::strncmp(line, field, std::strlen(field)) == 0 &&
        std::sscanf(line + std::strlen(field), "%lu", &kib) == 1)
      break;
  std::fclose(status);
  return kib * 1024;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 2'000'000, min_size = 16, max_size = 64;
  if ((argc != 1 && argc != 2 && argc != 4) ||
      (argc >= 2 && (count = std::strtoull(argv[1], nullptr, 10)) == 0) ||
      (argc == 4 && ((min_size = std::strtoull(argv[2], nullptr, 10)) == 0 ||
                     (max_size = std::strtoull(argv[3], nullptr, 10)) < min_size))) {
    std::fprintf(stderr, "usage: live_blocks_bench [BLOCKS [MIN_SIZE MAX_SIZE]]\n");
    return 2;
  }
  std::vector<void*> blocks(count);
  uint64_t heap_bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t size = min_size + (i * 7) % (max_size - min_size + 1);
    heap_bytes += size;
    blocks[i] = allocate(i, size);
    if (blocks[i] == nullptr) return 1;
    std::memset(blocks[i], static_cast<int>(i), size);
  }
  const uint64_t rss = rss_bytes();

  StallMeter meter;
  std::thread mutator([&] { meter.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a stall baseline first
  const int64_t begin = now_ns();
  meter.snapshot_begin.store(begin);
  const int snapshot_result = leakdbg_snapshot("live-blocks");
  const int64_t end = now_ns();
  meter.snapshot_end.store(end);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  meter.stop = true;
  mutator.join();

  std::printf(
      "blocks=%zu rss_bytes=%llu snapshot_seconds=%.3f snapshot_ok=%d "
      "max_stall_during_snapshot_ms=%.3f max_stall_before_snapshot_ms=%.3f "
      "peak_rss_bytes=%llu heap_bytes=%llu\n",
      count, static_cast<unsigned long long>(rss), static_cast<double>(end - begin) / 1e9,
      snapshot_result == 0 ? 1 : 0, static_cast<double>(meter.max_during) / 1e6,
      static_cast<double>(meter.max_before) / 1e6,
      static_cast<unsigned long long>(rss_bytes("VmHWM:")),
      static_cast<unsigned long long>(heap_bytes));
  for (void* block : blocks) std::free(block);
  return 0;
}
