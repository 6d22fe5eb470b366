// Cost of one stack capture per unwinder mode, in ns per capture and per frame, at several
// depths; next to libunwind's unw_backtrace and glibc's backtrace called directly. Also the
// allocation workload's cost per allocation when each malloc captures its stack (the part of
// the tracker's overhead the unwinder is responsible for).
#include <benchmark/benchmark.h>
#include <execinfo.h>
#include <libunwind.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "call_chain.h"
#include "unwind/unwind_internal.h"

namespace {

using leakdbg::unwind::Mode;

constexpr int kMaxFrames = 64;

struct Run {
  benchmark::State* state;
  Mode mode;
  int frames = 0;
};

void report(benchmark::State& state, int frames) {
  state.counters["frames"] = frames;
  if (frames == 0) return;
  // Seconds per frame, printed by the library with an SI prefix (e.g. "2.9n").
  state.counters["per_frame"] = benchmark::Counter(
      frames, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void capture_loop(void* context) {
  auto* run = static_cast<Run*>(context);
  uintptr_t frames[kMaxFrames];
  for (auto _ : *run->state) {
    run->frames = leakdbg::unwind::capture_with(run->mode, frames, kMaxFrames, 0);
    benchmark::DoNotOptimize(frames[0]);
  }
}

// Variants of the fast mode: "fast" as the tracker runs it (a repeated stack is checked
// against the thread's replay), "walk" with replays off (every capture walks the frames
// with the cached rules, as for a stack not seen just before).
enum class Replays { kOn, kOff };

void BM_Capture(benchmark::State& state, Mode mode, Replays replays) {
  leakdbg::unwind::set_replays(replays == Replays::kOn);
  Run run{&state, mode};
  bench::at_depth(static_cast<int>(state.range(0)), capture_loop, &run);
  report(state, run.frames);
  leakdbg::unwind::set_replays(true);
}

void unw_backtrace_loop(void* context) {
  auto* run = static_cast<Run*>(context);
  void* frames[kMaxFrames];
  for (auto _ : *run->state) {
    run->frames = unw_backtrace(frames, kMaxFrames);
    benchmark::DoNotOptimize(frames[0]);
  }
}

void BM_UnwBacktrace(benchmark::State& state) {
  Run run{&state, Mode::kLibunwind};
  bench::at_depth(static_cast<int>(state.range(0)), unw_backtrace_loop, &run);
  report(state, run.frames);
}

void glibc_backtrace_loop(void* context) {
  auto* run = static_cast<Run*>(context);
  void* frames[kMaxFrames];
  for (auto _ : *run->state) {
    run->frames = backtrace(frames, kMaxFrames);
    benchmark::DoNotOptimize(frames[0]);
  }
}

void BM_GlibcBacktrace(benchmark::State& state) {
  Run run{&state, Mode::kLibunwind};
  bench::at_depth(static_cast<int>(state.range(0)), glibc_backtrace_loop, &run);
  report(state, run.frames);
}

// The allocation workload's inner step with a capture in front of each malloc, as the
// tracker's hook does: ns per malloc/free pair, with Mode::kNone as the baseline.
Mode g_alloc_mode = Mode::kNone;
int g_alloc_frames = 0;

void* capturing_malloc(size_t size) {
  uintptr_t frames[kMaxFrames];
  g_alloc_frames = leakdbg::unwind::capture_with(g_alloc_mode, frames, kMaxFrames, 0);
  benchmark::DoNotOptimize(frames[0]);
  return std::malloc(size);
}

void BM_AllocationPair(benchmark::State& state, Mode mode, Replays replays) {
  leakdbg::unwind::set_replays(replays == Replays::kOn);
  g_alloc_mode = mode;
  constexpr size_t kLive = 10000;
  static void* live[kLive];
  uint64_t random = 88172645463325252ull;
  for (auto _ : state) {
    random ^= random << 13;
    random ^= random >> 7;
    random ^= random << 17;
    const size_t slot = random % kLive;
    std::free(live[slot]);
    live[slot] = bench::allocate_through_10_frames(16 + (random >> 32) % 497, capturing_malloc);
  }
  for (void*& block : live) {
    std::free(block);
    block = nullptr;
  }
  state.counters["frames"] = g_alloc_frames;
  leakdbg::unwind::set_replays(true);
}

}  // namespace

// The machine is shared: report the fastest of several repetitions beside the median.
double fastest(const std::vector<double>& runs) {
  return *std::min_element(runs.begin(), runs.end());
}
#define REPEATED ->Repetitions(5)->ComputeStatistics("min", fastest)

// The benchmark's own frames (main, RunSpecifiedBenchmarks, ...) add about 8 to each depth.
BENCHMARK_CAPTURE(BM_Capture, fast, Mode::kFast, Replays::kOn)
    ->Arg(1)
    ->Arg(10)
    ->Arg(30)
    ->Arg(50) REPEATED;
BENCHMARK_CAPTURE(BM_Capture, walk, Mode::kFast, Replays::kOff)
    ->Arg(1)
    ->Arg(10)
    ->Arg(30)
    ->Arg(50) REPEATED;
BENCHMARK_CAPTURE(BM_Capture, libunwind, Mode::kLibunwind, Replays::kOff)
    ->Arg(1)
    ->Arg(10)
    ->Arg(30)
    ->Arg(50) REPEATED;
BENCHMARK_CAPTURE(BM_Capture, none, Mode::kNone, Replays::kOff)->Arg(10) REPEATED;
BENCHMARK(BM_UnwBacktrace)->Arg(1)->Arg(10)->Arg(30)->Arg(50) REPEATED;
BENCHMARK(BM_GlibcBacktrace)->Arg(10) REPEATED;
BENCHMARK_CAPTURE(BM_AllocationPair, no_stack, Mode::kNone, Replays::kOff) REPEATED;
BENCHMARK_CAPTURE(BM_AllocationPair, fast, Mode::kFast, Replays::kOn) REPEATED;
BENCHMARK_CAPTURE(BM_AllocationPair, walk, Mode::kFast, Replays::kOff) REPEATED;
BENCHMARK_CAPTURE(BM_AllocationPair, libunwind, Mode::kLibunwind, Replays::kOff) REPEATED;

BENCHMARK_MAIN();
