// The fast unwinder must report exactly libunwind's stack on every call shape below.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <link.h>
#include <sys/mman.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>
#include <vector>

#include "capture_pair.h"
#include "shapes.h"

namespace unwind_test {
namespace {

using leakdbg::unwind::stats;

void expect_same_stacks(const CapturePair& pair, size_t min_frames) {
  EXPECT_GE(pair.reference.size(), min_frames) << describe(pair.reference);
  EXPECT_EQ(pair.first_fast, pair.reference) << "fast (cold):\n"
                                             << describe(pair.first_fast) << "libunwind:\n"
                                             << describe(pair.reference);
  EXPECT_EQ(pair.second_fast, pair.reference) << "fast (warm):\n"
                                              << describe(pair.second_fast) << "libunwind:\n"
                                              << describe(pair.reference);
}

// Shapes without signal frames must never need libunwind or stop early.
class FastOnly {
 public:
  FastOnly() : before_(stats()) {}
  ~FastOnly() {
    const auto after = stats();
    EXPECT_EQ(after.fallbacks, before_.fallbacks);
    EXPECT_EQ(after.stopped_on_doubt, before_.stopped_on_doubt);
  }

 private:
  leakdbg::unwind::Stats before_;
};

TEST(StackCompare, NoFramePointerChain) {
  FastOnly fast_only;
  CapturePair pair;
  nofp_chain(capture_pair_probe, &pair);
  expect_same_stacks(pair, 12);
  EXPECT_GE(frames_in_module_of(pair.reference, reinterpret_cast<void*>(&nofp_chain)), 11u);
}

TEST(StackCompare, WarmCapturesResolveNothing) {
  CapturePair pairs[2];
  uint64_t misses_after[2] = {};
  volatile int runs = 2;  // not unrolled: one call site, so both runs have the same frames
  for (int i = 0; i < runs; ++i) {
    nofp_chain(capture_pair_probe, &pairs[i]);
    misses_after[i] = stats().misses;
  }
  EXPECT_GT(misses_after[0], 0u);
  EXPECT_EQ(misses_after[1], misses_after[0]);
  EXPECT_EQ(pairs[1].first_fast, pairs[0].reference);
  EXPECT_GE(leakdbg::unwind::cached_rules(), pairs[0].reference.size());
}

TEST(StackCompare, FramePointerChain) {
  FastOnly fast_only;
  CapturePair pair;
  fp_chain(capture_pair_probe, &pair);
  expect_same_stacks(pair, 12);
}

TEST(StackCompare, DeepRecursionIsCutAtMax) {
  FastOnly fast_only;
  CapturePair pair;
  nofp_recursion(300, capture_pair_probe, &pair);
  expect_same_stacks(pair, 256);
  EXPECT_EQ(pair.first_fast.size(), 256u);
}

TEST(StackCompare, FramePointerRecursion) {
  FastOnly fast_only;
  CapturePair pair;
  fp_recursion(40, capture_pair_probe, &pair);
  expect_same_stacks(pair, 42);
}

TEST(StackCompare, AllocaFramesUseRbpBasedCfa) {
  FastOnly fast_only;
  CapturePair pair;
  nofp_alloca(12, 24, capture_pair_probe, &pair);
  expect_same_stacks(pair, 14);
}

TEST(StackCompare, VariableLengthArrays) {
  FastOnly fast_only;
  CapturePair pair;
  nofp_vla(12, 5, capture_pair_probe, &pair);
  expect_same_stacks(pair, 14);
}

TEST(StackCompare, MixedFrameKinds) {
  FastOnly fast_only;
  CapturePair pair;
  nofp_mixed(30, capture_pair_probe, &pair);
  expect_same_stacks(pair, 42);
}

TEST(StackCompare, SkipAndMax) {
  FastOnly fast_only;
  CapturePair full;
  nofp_chain(capture_pair_probe, &full);
  CapturePair cut;
  cut.skip = 3;
  cut.max = 5;
  nofp_chain(capture_pair_probe, &cut);
  expect_same_stacks(cut, 5);
  ASSERT_GE(full.reference.size(), 8u);
  // The innermost frame differs (another call of the probe); from the chain up they match.
  EXPECT_EQ(std::vector<uintptr_t>(full.reference.begin() + 3, full.reference.begin() + 8),
            cut.reference);
}

TEST(StackCompare, SharedLibrary) {
  FastOnly fast_only;
  CapturePair pair;
  unwind_test_shared_chain(20, capture_pair_probe, &pair);
  expect_same_stacks(pair, 23);
  EXPECT_GE(frames_in_module_of(pair.reference, reinterpret_cast<void*>(&unwind_test_shared_chain)),
            21u);
}

CapturePair g_qsort_pair;
bool g_qsort_probed = false;

int compare_and_probe(const void* a, const void* b) {
  if (!g_qsort_probed) {
    g_qsort_probed = true;
    nofp_chain(capture_pair_probe, &g_qsort_pair);
  }
  const int x = *static_cast<const int*>(a), y = *static_cast<const int*>(b);
  return (x > y) - (x < y);
}

TEST(StackCompare, ThroughLibcCallback) {
  // qsort's merge sort calls back from the distribution's libc, built without frame pointers.
  FastOnly fast_only;
  std::vector<int> values(64);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int>((i * 37) % 64);
  g_qsort_probed = false;
  qsort(values.data(), values.size(), sizeof(int), compare_and_probe);
  expect_same_stacks(g_qsort_pair, 16);
  EXPECT_GE(frames_in_module_of(g_qsort_pair.reference, reinterpret_cast<void*>(&qsort)), 2u);
}

// [lowest, highest) address of the object that holds `symbol`.
std::pair<uintptr_t, uintptr_t> module_range(const void* symbol) {
  struct Query {
    uintptr_t addr, lo = 0, hi = 0;
  } query{reinterpret_cast<uintptr_t>(symbol)};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* q = static_cast<Query*>(data);
        uintptr_t lo = UINTPTR_MAX, hi = 0;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          lo = std::min<uintptr_t>(lo, info->dlpi_addr + ph.p_vaddr);
          hi = std::max<uintptr_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
        }
        if (q->addr < lo || q->addr >= hi) return 0;
        q->lo = lo;
        q->hi = hi;
        return 1;
      },
      &query);
  return {query.lo, query.hi};
}

TEST(StackCompare, DlopenDlcloseAndReloadElsewhere) {
  FastOnly fast_only;
  void* handle = dlopen(UNWIND_TEST_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  auto chain = reinterpret_cast<PluginChain>(dlsym(handle, kPluginChainSymbol));
  ASSERT_NE(chain, nullptr);
  CapturePair first;
  chain(15, capture_pair_probe, &first);
  expect_same_stacks(first, 17);
  EXPECT_GE(frames_in_module_of(first.reference, reinterpret_cast<void*>(chain)), 16u);
  const auto [lo, hi] = module_range(reinterpret_cast<void*>(chain));
  ASSERT_LT(lo, hi);
  ASSERT_EQ(dlclose(handle), 0);
  leakdbg::unwind::invalidate_range(lo, hi);

  // Occupy the old range so that the loader must put the plugin somewhere else.
  void* blocker = mmap(reinterpret_cast<void*>(lo), hi - lo, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  ASSERT_NE(blocker, MAP_FAILED) << "plugin still mapped after dlclose";
  handle = dlopen(UNWIND_TEST_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  chain = reinterpret_cast<PluginChain>(dlsym(handle, kPluginChainSymbol));
  ASSERT_NE(chain, nullptr);
  EXPECT_FALSE(reinterpret_cast<uintptr_t>(chain) >= lo && reinterpret_cast<uintptr_t>(chain) < hi);
  CapturePair second;
  chain(15, capture_pair_probe, &second);
  expect_same_stacks(second, 17);
  EXPECT_GE(frames_in_module_of(second.reference, reinterpret_cast<void*>(chain)), 16u);
  dlclose(handle);
  munmap(blocker, hi - lo);
}

CapturePair g_signal_pair;

void capture_in_handler(int) { nofp_chain(capture_pair_probe, &g_signal_pair); }

// Captures (fast and libunwind) from a handler of a signal raised in a nofp chain; the fast
// walk must hand the signal frame to libunwind. Also run between the walk table's rounds.
void raise_and_capture_in_handler(int /*round*/ = 0) {
  const auto before = stats();
  struct sigaction action {};
  action.sa_handler = capture_in_handler;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  ASSERT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
  g_signal_pair = {};
  nofp_raise_signal(6, SIGUSR1);
  sigaction(SIGUSR1, &previous, nullptr);
  // handler chain + signal frame + raise's frames + the raising chain
  expect_same_stacks(g_signal_pair, 20);
  EXPECT_GE(
      frames_in_module_of(g_signal_pair.reference, reinterpret_cast<void*>(&nofp_raise_signal)),
      20u);
  EXPECT_GE(stats().fallbacks, before.fallbacks + 2);
}

TEST(StackCompare, SignalHandlerFrameFallsBackToLibunwind) { raise_and_capture_in_handler(); }

TEST(StackCompare, SignalHandlerOnAlternateStack) {
  std::vector<char> alt_stack(1 << 16);
  stack_t alt{};
  alt.ss_sp = alt_stack.data();
  alt.ss_size = alt_stack.size();
  stack_t previous_alt{};
  ASSERT_EQ(sigaltstack(&alt, &previous_alt), 0);
  struct sigaction action {};
  action.sa_handler = capture_in_handler;
  action.sa_flags = SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  ASSERT_EQ(sigaction(SIGUSR2, &action, &previous), 0);
  g_signal_pair = {};
  nofp_raise_signal(3, SIGUSR2);
  sigaction(SIGUSR2, &previous, nullptr);
  sigaltstack(&previous_alt, nullptr);
  expect_same_stacks(g_signal_pair, 17);
}

TEST(StackCompare, ManyThreads) {
  FastOnly fast_only;
  constexpr int kThreads = 8;
  std::vector<CapturePair> mixed(kThreads), shared(kThreads), fp(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        nofp_mixed(t + round % 5, capture_pair_probe, &mixed[t]);
        unwind_test_shared_chain(t + round, capture_pair_probe, &shared[t]);
        fp_recursion(t * 2, capture_pair_probe, &fp[t]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(t);
    expect_same_stacks(mixed[t], 12);
    expect_same_stacks(shared[t], 3);
    expect_same_stacks(fp[t], 3);
  }
}

__attribute__((noinline)) int capture_in_helper(uintptr_t* out, int max, int skip,
                                                uintptr_t* helper_return) {
  *helper_return = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  int n = leakdbg::unwind::capture(out, max, skip);
  __asm__ volatile("" : "+r"(n));
  return n;
}

// What one memo capture returned, with libunwind's stack of the same frames.
struct MemoProbe {
  leakdbg::unwind::MemoCapture result;
  std::vector<uintptr_t> frames;
  std::vector<uintptr_t> reference;
  uint32_t store = 0;  // written into the memo when it is 0
};

__attribute__((noinline)) void memo_probe(void* context) {
  auto* probe = static_cast<MemoProbe*>(context);
  uintptr_t frames[128];
  for (int i = 0; i < 2; ++i) {  // one call site: both captures see the same frames
    if (i == 0) {
      probe->result = leakdbg::unwind::capture_memo(frames, 128, 0);
      if (probe->result.frames_written) probe->frames.assign(frames, frames + probe->result.count);
      if (probe->result.memo != nullptr && *probe->result.memo == 0)
        *probe->result.memo = probe->store;
    } else {
      const int n =
          leakdbg::unwind::capture_with(leakdbg::unwind::Mode::kLibunwind, frames, 128, 0);
      probe->reference.assign(frames, frames + n);
    }
  }
}

// A replay answers only a capture whose every frame is unchanged: the twins run the probe at
// one stack pointer, but under different callers, and must never get each other's stack.
TEST(StackCompare, ReplaysNeverAnswerAnotherStack) {
  FastOnly fast_only;
  leakdbg::unwind::set_mode(leakdbg::unwind::Mode::kFast);
  MemoProbe runs[6];
  volatile int count = 6;
  for (int i = 0; i < count; ++i) {
    runs[i].store = 100 + static_cast<uint32_t>(i % 2);
    nofp_twins(i % 2, memo_probe, &runs[i]);
  }
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE(i);
    ASSERT_NE(runs[i].result.memo, nullptr);
    if (i < 2) {
      ASSERT_TRUE(runs[i].result.frames_written);
    } else {
      // Seen before: the memo this stack was given comes back, and no frames are written.
      EXPECT_FALSE(runs[i].result.frames_written);
      EXPECT_EQ(*runs[i].result.memo, 100u + static_cast<uint32_t>(i % 2));
      EXPECT_EQ(runs[i].result.count, runs[i % 2].result.count);
    }
  }
  // The first two are fresh walks: each matches libunwind (but for the innermost frame, the
  // two captures' own call sites) and they differ in the twin's frame.
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(runs[i].frames.size(), runs[i].reference.size());
    EXPECT_TRUE(std::equal(runs[i].frames.begin() + 1, runs[i].frames.end(),
                           runs[i].reference.begin() + 1));
  }
  EXPECT_NE(runs[0].frames, runs[1].frames);
}

// Five levels of two copies each: bit k of `path` picks the copy at level k, so the 32
// paths are 32 stacks of distinct return addresses, all at one stack pointer.
template <int N, int kCopy>
__attribute__((noinline, noipa)) void many_stacks(unsigned path, MemoProbe* probe) {
  if constexpr (N == 0)
    memo_probe(probe);
  else if (path & 1)
    many_stacks<N - 1, 1>(path >> 1, probe);
  else
    many_stacks<N - 1, 0>(path >> 1, probe);
  __asm__ volatile("" ::: "memory");
}

// Checks one memo capture of a stack: an answer (no frames) must carry the memo this stack
// was given; written frames must be libunwind's (but for the innermost, the captures' own
// call sites) and the same each time. True when it was an answer.
bool check_memo_capture(const MemoProbe& probe, uint32_t expected_memo,
                        std::vector<uintptr_t>& first_frames) {
  if (!probe.result.frames_written) {
    EXPECT_EQ(*probe.result.memo, expected_memo);
    return true;
  }
  EXPECT_EQ(probe.frames.size(), probe.reference.size());
  if (probe.frames.size() == probe.reference.size())
    EXPECT_TRUE(
        std::equal(probe.frames.begin() + 1, probe.frames.end(), probe.reference.begin() + 1));
  if (first_frames.empty())
    first_frames = probe.frames;
  else
    EXPECT_EQ(probe.frames, first_frames);
  return false;
}

// More stacks than a thread keeps replays, visited in an order that makes replays both hit
// and get replaced: every memo that comes back is the one given to that very stack, and
// every walked stack matches libunwind's.
TEST(StackCompare, ManyStacksAtOneStackPointerKeepTheirOwnMemos) {
  FastOnly fast_only;
  leakdbg::unwind::set_mode(leakdbg::unwind::Mode::kFast);
  constexpr unsigned kPaths = 32;
  std::vector<uint32_t> given(kPaths, 0);
  std::vector<std::vector<uintptr_t>> first_frames(kPaths);
  int answered_by_replay = 0;
  for (unsigned round = 0; round < 6; ++round) {
    for (unsigned k = 0; k < kPaths; ++k) {
      // Rounds 0-1 visit all 32 (replays evicted); later rounds revisit the first 8 often.
      const unsigned path = round < 2 ? k : (k * 7 + round) % 8;
      SCOPED_TRACE(testing::Message() << "round " << round << " path " << path);
      MemoProbe probe;
      probe.store = given[path] != 0 ? given[path] : 1000 + path;
      many_stacks<5, 0>(path, &probe);
      ASSERT_NE(probe.result.memo, nullptr);
      if (check_memo_capture(probe, 1000 + path, first_frames[path])) ++answered_by_replay;
      if (given[path] == 0) given[path] = 1000 + path;
    }
  }
  for (unsigned a = 0; a < kPaths; ++a) {
    for (unsigned b = a + 1; b < kPaths; ++b) {
      if (!first_frames[a].empty() && !first_frames[b].empty()) {
        EXPECT_NE(first_frames[a], first_frames[b]);
      }
    }
  }
  EXPECT_GT(answered_by_replay, 0);
}

// What a thread saw visiting kPaths stacks at one stack pointer, round after round.
struct WalkTableRun {
  static constexpr unsigned kPaths = 64;  // four times the replays a thread keeps
  std::vector<int> answered_per_round;    // captures answered with a memo, no frames
};

// Visits paths 0..kPaths-1 in order, `rounds` times: each stack is evicted from the replays
// before it comes back, so only the WalkTable can answer. Every answer must carry the memo
// given to that very stack, and every stack written must be libunwind's. between_rounds runs
// after each round but the last.
void visit_paths_in_order(int rounds, std::vector<uint32_t>& given, WalkTableRun* run,
                          void (*between_rounds)(int round)) {
  // Per call: the caller's own frame differs from one call site to the next.
  std::vector<std::vector<uintptr_t>> first_frames(WalkTableRun::kPaths);
  for (int round = 0; round < rounds; ++round) {
    int answered = 0;
    for (unsigned path = 0; path < WalkTableRun::kPaths; ++path) {
      SCOPED_TRACE(testing::Message() << "round " << round << " path " << path);
      MemoProbe probe;
      probe.store = 5000 + path;
      many_stacks<6, 0>(path, &probe);
      ASSERT_NE(probe.result.memo, nullptr);
      if (check_memo_capture(probe, given[path], first_frames[path])) ++answered;
      if (given[path] == 0) given[path] = probe.store;
    }
    run->answered_per_round.push_back(answered);
    if (between_rounds != nullptr && round + 1 < rounds) between_rounds(round);
  }
}

// The visits in a thread of its own (the table is per thread, taken after the replays keep
// missing), which then exits as the tracker's threads do.
WalkTableRun visit_in_new_thread(int rounds, std::vector<uint32_t>& given,
                                 void (*between_rounds)(int round) = nullptr) {
  WalkTableRun run;
  std::thread([&] {
    visit_paths_in_order(rounds, given, &run, between_rounds);
    leakdbg::unwind::release_thread_caches();
  }).join();
  return run;
}

TEST(StackCompare, WalkTableAnswersStacksBeyondTheReplays) {
  FastOnly fast_only;
  leakdbg::unwind::set_mode(leakdbg::unwind::Mode::kFast);
  std::vector<uint32_t> given(WalkTableRun::kPaths, 0);
  const WalkTableRun run = visit_in_new_thread(4, given);
  ASSERT_EQ(run.answered_per_round.size(), 4u);
  // The first round walks every stack; by the last, the 16 replays alone could answer at
  // most 16 of the 64.
  EXPECT_EQ(run.answered_per_round[0], 0);
  EXPECT_GE(run.answered_per_round[3], 48);
}

// A dlclose may unload code that remembered walks went through: invalidate_range makes every
// entry stale, so after it each stack is walked afresh.
TEST(StackCompare, WalkTableForgetsWalksWhenCodeIsUnloaded) {
  std::vector<uint32_t> given(WalkTableRun::kPaths, 0);
  const WalkTableRun run = visit_in_new_thread(5, given, [](int round) {
    if (round == 3) leakdbg::unwind::invalidate_range(0, 1);
  });
  ASSERT_EQ(run.answered_per_round.size(), 5u);
  EXPECT_GE(run.answered_per_round[3], 48);
  EXPECT_EQ(run.answered_per_round[4], 0);
}

// A thread whose walks are remembered still hands signal frames to libunwind, and a thread
// that takes the table a previous thread gave back gets the memos of its own stacks (memos
// are process-wide: the stack depot's ids).
TEST(StackCompare, WalkTableKeepsFallbacksAndServesTheNextThread) {
  std::vector<uint32_t> given(WalkTableRun::kPaths, 0);
  for (int thread = 0; thread < 2; ++thread) {
    SCOPED_TRACE(thread);
    const WalkTableRun run = visit_in_new_thread(4, given, raise_and_capture_in_handler);
    ASSERT_EQ(run.answered_per_round.size(), 4u);
    EXPECT_GE(run.answered_per_round[3], 48);
  }
}

TEST(StackCompare, PublicCaptureModesAndSkip) {
  using leakdbg::unwind::Mode;
  const Mode saved = leakdbg::unwind::mode();
  uintptr_t frames[64];
  uintptr_t helper_return = 0;
  leakdbg::unwind::set_mode(Mode::kNone);
  EXPECT_EQ(leakdbg::unwind::mode(), Mode::kNone);
  EXPECT_EQ(capture_in_helper(frames, 64, 0, &helper_return), 0);
  for (Mode mode : {Mode::kFast, Mode::kLibunwind}) {
    SCOPED_TRACE(static_cast<int>(mode));
    leakdbg::unwind::set_mode(mode);
    // skip 0: out[0] is inside the helper (capture's caller), out[1] the helper's return.
    ASSERT_GE(capture_in_helper(frames, 64, 0, &helper_return), 3);
    EXPECT_EQ(frames[1], helper_return);
    ASSERT_GE(capture_in_helper(frames, 64, 1, &helper_return), 2);
    EXPECT_EQ(frames[0], helper_return);
    EXPECT_EQ(capture_in_helper(frames, 1, 1, &helper_return), 1);
    EXPECT_EQ(frames[0], helper_return);
    EXPECT_EQ(capture_in_helper(frames, 0, 0, &helper_return), 0);
    EXPECT_EQ(capture_in_helper(nullptr, 8, 0, &helper_return), 0);
  }
  leakdbg::unwind::set_mode(saved);
}

}  // namespace
}  // namespace unwind_test
