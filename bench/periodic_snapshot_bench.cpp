// Periodic snapshots of a large live set: BLOCKS live blocks of 16-64 bytes, then for
// SECONDS the program replaces random live blocks (free one, allocate its successor), so
// every release lands somewhere in the heap a snapshot is copying. Run under the tracker
// with LEAKDBG_INTERVAL set, and without it, it gives the program's throughput under
// periodic snapshots and the longest free + malloc pair. The snapshots' times are in the
// files (`leakdbg info --json`, uptime_seconds).
//
// usage: periodic_snapshot_bench BLOCKS SECONDS
// Prints key=value pairs on one line: blocks, seconds, pairs (free + malloc pairs done),
// pairs_per_second, max_pair_ms, pairs_over_1ms, pairs_over_10ms.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  double seconds = 0;
  if (argc != 3 || (count = std::strtoull(argv[1], nullptr, 10)) == 0 ||
      (seconds = std::strtod(argv[2], nullptr)) <= 0) {
    std::fprintf(stderr, "usage: periodic_snapshot_bench BLOCKS SECONDS\n");
    return 2;
  }
  std::vector<void*> blocks(count);
  for (size_t i = 0; i < count; ++i) {
    blocks[i] = std::malloc(16 + i % 49);
    if (blocks[i] == nullptr) return 1;
    std::memset(blocks[i], static_cast<int>(i), 16);
  }
  uint64_t state = 0x9e3779b97f4a7c15ull, pairs = 0, over_1ms = 0, over_10ms = 0;
  int64_t longest = 0;
  const int64_t begin = now_ns();
  const int64_t end = begin + static_cast<int64_t>(seconds * 1e9);
  int64_t start = begin;
  while (start < end) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
    const size_t i = state % count;
    std::free(blocks[i]);
    blocks[i] = std::malloc(16 + state % 49);
    if (blocks[i] == nullptr) return 1;
    const int64_t done = now_ns();
    const int64_t took = done - start;
    if (took > longest) longest = took;
    over_1ms += took > 1'000'000;
    over_10ms += took > 10'000'000;
    ++pairs;
    start = done;
  }
  const double elapsed = static_cast<double>(start - begin) / 1e9;
  std::printf(
      "blocks=%zu seconds=%.3f pairs=%llu pairs_per_second=%.0f max_pair_ms=%.3f "
      "pairs_over_1ms=%llu pairs_over_10ms=%llu\n",
      count, elapsed, static_cast<unsigned long long>(pairs), static_cast<double>(pairs) / elapsed,
      static_cast<double>(longest) / 1e6, static_cast<unsigned long long>(over_1ms),
      static_cast<unsigned long long>(over_10ms));
  for (void* block : blocks) std::free(block);
  return 0;
}
