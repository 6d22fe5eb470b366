// Issue 2's allocation-heavy workload: PAIRS malloc/free pairs (default 10 M) of 16-512
// bytes, about 10 k blocks live, every malloc 10 frames below the worker loop; THREADS
// threads (default 1) split the work and the live set. Built -O2 -fomit-frame-pointer.
// STACKS (default 1, at most 1024): each malloc goes through one of that many distinct
// 10-frame stacks, picked at random, as in a program that allocates from many places.
//
// usage: alloc_bench [THREADS [PAIRS [STACKS]]]
// Prints one line: threads, pairs, seconds spent in the workload, and a checksum that keeps
// the compiler from dropping the writes.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

constexpr size_t kLiveBlocks = 10000;
constexpr size_t kMinSize = 16, kMaxSize = 512;
constexpr int kFrames = 10;
constexpr uint64_t kMaxStacks = uint64_t{1} << kFrames;

#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

// Frame N of the chain, in two copies: bit N-1 of `path` picks which copy of frame N-1 this
// one calls. Distinct functions, so the two calls cannot be merged into one call site: each
// of the 2^10 paths is a stack of distinct return addresses (noipa: identical code folding
// would make the copies one function again). Path 0 is the one stack of S=1.
template <int N, int kCopy>
__attribute__((noinline, noipa)) void* allocate(size_t size, uint64_t path) {
  void* block;
  if constexpr (N == 1)
    block = std::malloc(size);
  else if (path & 1)
    block = allocate<N - 1, 1>(size, path >> 1);
  else
    block = allocate<N - 1, 0>(size, path >> 1);
  KEEP_FRAME();
  return block;
}

struct Worker {
  uint64_t pairs;
  uint64_t seed;
  uint64_t stacks;
  uint64_t checksum = 0;
};

__attribute__((noinline)) void run_worker(Worker* worker, size_t live_count) {
  std::vector<void*> live(live_count, nullptr);
  uint64_t random = worker->seed;
  uint64_t checksum = 0;
  for (uint64_t i = 0; i < worker->pairs; ++i) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    const size_t slot = random % live_count;
    const size_t size = kMinSize + (random >> 40) % (kMaxSize - kMinSize + 1);
    std::free(live[slot]);
    const uint64_t path = worker->stacks == 1 ? 0 : (random >> 20) % worker->stacks;
    auto* block = static_cast<unsigned char*>(allocate<kFrames, 0>(size, path));
    if (block == nullptr) std::abort();
    block[0] = static_cast<unsigned char>(i);
    checksum += reinterpret_cast<uintptr_t>(block) & 0xff;
    live[slot] = block;
  }
  for (void* block : live) std::free(block);
  worker->checksum = checksum;
}

uint64_t parse_count(const char* text, const char* what) {
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || value == 0) {
    std::fprintf(stderr, "alloc_bench: bad %s '%s'\n", what, text);
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 4) {
    std::fprintf(stderr, "usage: alloc_bench [THREADS [PAIRS [STACKS]]]\n");
    return 2;
  }
  const uint64_t threads = argc > 1 ? parse_count(argv[1], "thread count") : 1;
  const uint64_t pairs = argc > 2 ? parse_count(argv[2], "pair count") : 10'000'000;
  const uint64_t stacks = argc > 3 ? parse_count(argv[3], "stack count") : 1;
  if (stacks > kMaxStacks) {
    std::fprintf(stderr, "alloc_bench: at most %llu stacks\n",
                 static_cast<unsigned long long>(kMaxStacks));
    return 2;
  }
  if (threads > 64) {
    std::fprintf(stderr, "alloc_bench: at most 64 threads\n");
    return 2;
  }
  std::vector<Worker> workers(threads);
  for (uint64_t t = 0; t < threads; ++t)
    workers[t] = Worker{pairs / threads + (t < pairs % threads ? 1 : 0),
                        0x9E3779B97F4A7C15ull * (t + 1), stacks};
  const size_t live_per_thread = kLiveBlocks / threads;

  const auto start = std::chrono::steady_clock::now();
  if (threads == 1) {
    run_worker(&workers[0], live_per_thread);
  } else {
    std::vector<std::thread> pool;
    for (auto& worker : workers) pool.emplace_back(run_worker, &worker, live_per_thread);
    for (auto& thread : pool) thread.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t checksum = 0;
  for (const auto& worker : workers) checksum += worker.checksum;
  std::printf("threads=%llu pairs=%llu stacks=%llu seconds=%.3f checksum=%llu\n",
              static_cast<unsigned long long>(threads), static_cast<unsigned long long>(pairs),
              static_cast<unsigned long long>(stacks), seconds,
              static_cast<unsigned long long>(checksum));
  return 0;
}
