// The capture entry points: mode dispatch, the cached-rule walk, and the libunwind path.
//
// Hot path (every rule cached): three register reads, then per frame a compare with this
// thread's hint for that depth (a probe of the shared rule cache when the stack changed),
// two or three loads from the stack and the bounds checks. No locks, no stores outside `out`
// and the thread's own hints, no malloc. A miss resolves the address from the module's .eh_frame
// (dl_iterate_phdr takes the loader's lock; the first capture of a thread also calls
// pthread_getattr_np, which allocates): the tracker holds its recursion guard around capture(), so
// that is safe.
#include <libunwind.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstring>

#include "unwind/code_lookup.h"
#include "unwind/eh_frame.h"
#include "unwind/frame_rule.h"
#include "unwind/rule_cache.h"
#include "unwind/stack_bounds.h"
#include "unwind/unwind_internal.h"
#include "unwind/walk_table.h"

// The cached-rule walk reads x86-64 registers and knows x86-64 frames only; elsewhere (or
// built with LEAKDBG_FAST_UNWIND=OFF) every capture takes the libunwind path.
#if defined(__x86_64__) && !defined(LEAKDBG_NO_FAST_UNWIND)
#define LEAKDBG_FAST_UNWIND 1
#else
#define LEAKDBG_FAST_UNWIND 0
#endif

namespace leakdbg::unwind {
namespace {

// 2^17 slots of 16 bytes: 2 MiB of address space, touched only where rules land. A large
// C++ program has a few tens of thousands of distinct allocation return addresses.
constinit RuleCache<17> g_cache;
constinit std::atomic<Mode> g_mode{Mode::kFast};
constinit std::atomic<bool> g_replays{true};

struct Counters {
  std::atomic<uint64_t> misses{0}, uncached{0}, fallbacks{0}, stopped_on_doubt{0};
};
constinit Counters g_counters;

// Per-thread hints: the (return address, rule) pairs of this thread's previous capture, by
// depth. Successive allocations of a thread share most of their stack, so the pc loaded at
// depth i usually equals at[i].pc; the branch on that compare is predicted, and the CPU
// can compute the next CFA from at[i].rule without waiting for the cache lookup that
// depends on the loaded pc. That takes the lookup off the per-frame critical path. A hint
// is only ever used for the very pc it was resolved for.
constexpr int kHintFrames = 64;

// Replays: a few complete walks of this thread, each kept as the exact memory reads that
// decided it. A walk is a function of its starting (sp, fp) and of the words it loads: the
// rules come from the return addresses and stay fixed until code is unloaded. So when a
// capture starts at a recorded sp (and fp, where a rule reads it) and every recorded slot
// still holds its recorded word, the walk would produce the recorded stack again. Checking
// that costs one independent load and compare per frame, with no rule lookups and no
// dependent chain, and lets the caller reuse what it derived from that stack (its id).
// Allocation loops capture from the same frames over and over, which is what this serves.
// Programs allocate from many places: a thread keeps kReplays of them. Replays of one
// stack shape (the same slots, as every call chain of equal frame sizes has) are told apart
// by a signature of their return addresses, computed once per shape from the current stack,
// so a lookup costs about one full check whatever the number of replays. Stacks deeper than
// kReplaySteps steps are walked every time.
constexpr int kReplays = 16;
constexpr int kReplaySteps = kWalkTableSteps;
// Captures that the last replay did not answer (a replay found by signature, or a walk)
// before a thread takes a WalkTable (walk_table.h): asking the table first is cheaper than
// checking the last replay and then scanning the others. A thread that allocates from one
// place keeps to its replays and maps nothing more.
constexpr uint32_t kMissesBeforeTable = 64;
struct Replay {
  bool valid;
  bool fp_needed;  // a rule reads the starting RBP before any step reloads it
  int max, skip;   // the capture parameters it answers
  int steps;       // recorded steps, the last one possibly the zero return address
  int count;       // frames it returned: pc[skip + i] for i < count
  int fp_checks;   // saved-RBP reads that a later rule depends on
  uintptr_t sp, start_fp;
  uint32_t memo;       // the caller's value for this stack (0: none yet)
  uint64_t shape;      // hash of pc_slot[0..steps): equal shapes read the same slots
  uint64_t signature;  // signature_of(pc, steps)
  // Step d read the return address pc[d] at pc_slot[d]; check k read fp[k] at fp_slot[k].
  // Separate arrays keep the check loop to two loads and a compare per frame.
  uintptr_t pc_slot[kReplaySteps];
  uintptr_t pc[kReplaySteps];
  uintptr_t fp_slot[kReplaySteps];
  uintptr_t fp[kReplaySteps];
};
// One thread's hints and replays, claimed together by HintClaim.
struct StackHints {
  uint64_t generation;  // g_generation when filled; older hints and replays are dropped
  bool in_use;          // a capture on this thread is walking (signal-handler re-entry)
  struct {
    uintptr_t pc;  // side by side with its rule: one cache line serves four depths
    uint64_t rule;
  } at[kHintFrames];
  int next_victim;  // the replay the next recorded walk replaces
  int last_hit;     // the replay that answered last
  // Per replay, what a lookup compares first, side by side so that a lookup scanning all
  // of them touches a few cache lines instead of one per replay. sp 0: invalid.
  struct {
    uintptr_t sp;
    uint64_t shape, signature;
  } keys[kReplays];
  Replay replays[kReplays];
  WalkTable* table;        // null until replays keep missing
  uint32_t replay_misses;  // captures the last replay did not answer, until the table
  bool table_released;     // the thread is exiting: no new table
};
__attribute__((tls_model("initial-exec"))) thread_local StackHints t_hints{};
// Bumped by invalidate_range: a hint may name code that has been unloaded since.
constinit std::atomic<uint64_t> g_generation{0};

// Addresses below this are never code; a return address there means a corrupt frame.
constexpr uintptr_t kLowestCode = 4096;
// unw_backtrace's output before skipping; the contract caps stacks at 256 frames.
constexpr int kLibunwindBuffer = 300;

// The packed rule for pc, read from its module's .eh_frame and cached.
__attribute__((noinline, cold)) uint64_t resolve(uintptr_t pc) {
  g_counters.misses.fetch_add(1, std::memory_order_relaxed);
  // pc is a return address: the call that produced it is the instruction before, and for a
  // call at a function's very end (noreturn callee) pc already belongs to the next function.
  const uintptr_t call_site = pc - 1;
  const CodeLocation where = locate_code(call_site);
  if (!where.in_executable_segment)  // not cached: code may be mapped there later
    return pack_rule(FrameRule{.kind = FrameRule::Kind::kUnknownCode});
  const FrameRule rule =
      where.has_eh_frame_hdr ? find_frame_rule(where.eh_frame, call_site) : FrameRule{};
  const uint64_t packed = pack_rule(rule);
  if (!g_cache.insert(pc, packed)) g_counters.uncached.fetch_add(1, std::memory_order_relaxed);
  return packed;
}

inline uint64_t packed_rule_for(uintptr_t pc) {
  uint64_t packed;
  if (g_cache.find(pc, &packed)) [[likely]]
    return packed;
  return resolve(pc);
}

inline uintptr_t load_word(uintptr_t addr) {
  uintptr_t value;
  std::memcpy(&value, reinterpret_cast<const void*>(addr), sizeof value);
  return value;
}

enum class WalkEnd { kComplete, kFallback, kDoubt };

// A filter, not an identity (a match is checked in full): order-sensitive, and its terms
// independent of each other so that the adds overlap.
template <class Word>
inline uint64_t signature_of(int steps, Word word) {
  uint64_t a = 0, b = 0;
  int d = 0;
  for (; d + 1 < steps; d += 2) {
    a += std::rotl(static_cast<uint64_t>(word(d)), d);
    b += std::rotl(static_cast<uint64_t>(word(d + 1)), d + 1);
  }
  if (d < steps) a += std::rotl(static_cast<uint64_t>(word(d)), d);
  return a ^ std::rotl(b, 32);
}

// Claims this thread's hints for one walk, or leaves `hints` null when a walk on this thread
// is already under way (a signal handler interrupted it) or unloaded code made them stale.
class HintClaim {
 public:
  HintClaim() {
    StackHints& mine = t_hints;
    if (mine.in_use) return;
    mine.in_use = true;
    const uint64_t generation = g_generation.load(std::memory_order_acquire);
    if (mine.generation != generation) {
      std::memset(mine.at, 0, sizeof mine.at);
      for (Replay& r : mine.replays) r.valid = false;
      for (auto& key : mine.keys) key.sp = 0;
      mine.generation = generation;
    }
    hints = &mine;
  }
  ~HintClaim() {
    if (hints != nullptr) hints->in_use = false;
  }
  HintClaim(const HintClaim&) = delete;
  HintClaim& operator=(const HintClaim&) = delete;
  StackHints* hints = nullptr;
};

template <bool kUseHints>
inline uint64_t rule_at_depth(StackHints* hints, int depth, uintptr_t pc) {
  if constexpr (kUseHints) {
    if (depth < kHintFrames && hints->at[depth].pc == pc) [[likely]]
      return hints->at[depth].rule;
  }
  const uint64_t rule = packed_rule_for(pc);
  if constexpr (kUseHints) {
    if (depth < kHintFrames && packed_kind(rule) != FrameRule::Kind::kUnknownCode) {
      hints->at[depth].pc = pc;
      hints->at[depth].rule = rule;
    }
  }
  return rule;
}

// Walks from a point inside capture_impl (pc, sp, fp as read there). Every address read is
// checked against the thread's stack first; every frame's CFA must lie above the previous
// one; a return address is reported only after its own rule shows it lies in loaded code.
// What a walk records of itself so that it can be replayed (see Replay).
struct Recording {
  Replay* replay = nullptr;  // null: not recording (no room, or a shape replay cannot check)
  int steps = 0;
  bool rbp_rule[kReplaySteps];      // the step's CFA came from RBP
  uintptr_t fp_slot[kReplaySteps];  // 0, or where the step reloaded RBP from
  uintptr_t fp[kReplaySteps];

  void step(uintptr_t pc_slot, uintptr_t pc, bool rbp_cfa, uintptr_t saved_fp_slot,
            uintptr_t saved_fp) {
    if (replay == nullptr) return;
    if (steps == kReplaySteps) {
      replay = nullptr;
      return;
    }
    replay->pc_slot[steps] = pc_slot;
    replay->pc[steps] = pc;
    rbp_rule[steps] = rbp_cfa;
    fp_slot[steps] = saved_fp_slot;
    fp[steps] = saved_fp;
    ++steps;
  }

  // Keeps only the RBP reads that a later rule depends on: in code without frame pointers RBP
  // is an ordinary register whose saved value changes from call to call, and checking it would
  // make every replay fail for nothing.
  void finish(uintptr_t sp, uintptr_t start_fp, int max, int skip, int count) {
    if (replay == nullptr) return;
    bool needed_after = false;
    int checks = 0;
    for (int d = steps - 1; d >= 0; --d) {
      if (fp_slot[d] != 0) {
        if (needed_after) {
          replay->fp_slot[checks] = fp_slot[d];
          replay->fp[checks] = fp[d];
          ++checks;
        }
        needed_after = rbp_rule[d];
      } else {
        needed_after = needed_after || rbp_rule[d];
      }
    }
    replay->fp_checks = checks;
    replay->fp_needed = needed_after;
    replay->sp = sp;
    replay->start_fp = start_fp;
    replay->max = max;
    replay->skip = skip;
    replay->steps = steps;
    replay->count = count;
    replay->memo = 0;
    const Replay& r = *replay;
    replay->shape = signature_of(steps, [&r](int d) { return r.pc_slot[d]; });
    replay->signature = signature_of(steps, [&r](int d) { return r.pc[d]; });
    replay->valid = true;
  }
};

[[maybe_unused]] bool replay_starts_here(const Replay& r, uintptr_t sp, uintptr_t fp, int max,
                                         int skip) {
  return r.valid && r.sp == sp && r.max == max && r.skip == skip &&
         (!r.fp_needed || r.start_fp == fp);
}

// True when every slot r read still holds what it read.
[[maybe_unused]] bool replay_holds(const Replay& r) {
  // Differences are OR-ed into two accumulators: no branch per frame, and two short
  // dependency chains instead of one as long as the stack.
  uintptr_t diff0 = 0, diff1 = 0;
  int d = 0;
  for (; d + 1 < r.steps; d += 2) {
    diff0 |= load_word(r.pc_slot[d]) ^ r.pc[d];
    diff1 |= load_word(r.pc_slot[d + 1]) ^ r.pc[d + 1];
  }
  if (d < r.steps) diff0 |= load_word(r.pc_slot[d]) ^ r.pc[d];
  for (int k = 0; k < r.fp_checks; ++k) diff1 |= load_word(r.fp_slot[k]) ^ r.fp[k];
  return (diff0 | diff1) == 0;
}

// The recorded replay that this capture would reproduce, or null. The replay that answered
// last is checked first, in full: a loop allocating from one place costs one check, without
// the signature.
// *first_signature: the current stack's signature read at the first shape tried (the key
// for the thread's WalkTable), when one was.
[[maybe_unused]] Replay* find_replay(StackHints& hints, uintptr_t sp, uintptr_t fp, int max,
                                     int skip, uint64_t* first_signature, bool* have_first) {
  Replay& last = hints.replays[hints.last_hit];
  if (replay_starts_here(last, sp, fp, max, skip) && replay_holds(last)) return &last;
  uint64_t shape = 0, signature = 0;  // the current stack's signature read at `shape`'s slots
  bool have_signature = false;
  for (int i = 0; i < kReplays; ++i) {
    const auto& key = hints.keys[i];
    if (key.sp != sp || i == hints.last_hit) continue;
    Replay& r = hints.replays[i];
    if (!have_signature || key.shape != shape) {
      shape = key.shape;
      signature = signature_of(r.steps, [&r](int d) { return load_word(r.pc_slot[d]); });
      if (!have_signature) {
        *first_signature = signature;
        *have_first = true;
      }
      have_signature = true;
    }
    if (signature == key.signature && replay_starts_here(r, sp, fp, max, skip) && replay_holds(r)) {
      hints.last_hit = i;
      return &r;
    }
  }
  return nullptr;
}

// Slots at these offsets from sp lie on this thread's stack (the deepest is the last). A
// table may come from an earlier thread whose stack was larger.
[[maybe_unused]] bool slots_on_stack(uint32_t steps, const uint32_t* slot_offset, uintptr_t sp) {
  return steps > 0 && steps <= kWalkTableSteps &&
         sp + slot_offset[steps - 1] + sizeof(uintptr_t) <= current_stack_bounds().hi;
}
[[maybe_unused]] bool shape_on_stack(const WalkShape& shape, uintptr_t sp) {
  return slots_on_stack(shape.steps, shape.slot_offset, sp);
}

// True when every slot e read, relative to sp, still holds what it read.
[[maybe_unused]] bool walk_entry_holds(const WalkEntry& e, uintptr_t sp) {
  if (!slots_on_stack(e.steps, e.slot_offset, sp)) return false;
  uintptr_t diff0 = 0, diff1 = 0;
  int d = 0;
  for (; d + 1 < e.steps; d += 2) {
    diff0 |= load_word(sp + e.slot_offset[d]) ^ e.pc[d];
    diff1 |= load_word(sp + e.slot_offset[d + 1]) ^ e.pc[d + 1];
  }
  if (d < e.steps) diff0 |= load_word(sp + e.slot_offset[d]) ^ e.pc[d];
  return (diff0 | diff1) == 0;
}

// The thread's WalkTable entry that this capture would reproduce, or null.
[[maybe_unused]] WalkEntry* find_walk(StackHints& hints, bool have_signature, uintptr_t sp,
                                      uint64_t signature, int max, int skip) {
  if (!have_signature || hints.table == nullptr) return nullptr;
  WalkEntry* e = hints.table->find(hints.generation, sp, signature, max, skip);
  return e != nullptr && walk_entry_holds(*e, sp) ? e : nullptr;
}

// Answers a capture from an entry as from a replay: the memo, or the frames when it has none.
[[maybe_unused]] int answer_from(WalkEntry& e, int skip, uintptr_t* out, MemoCapture* memo) {
  if (memo != nullptr) {
    memo->memo = &e.memo;
    if (e.memo != 0) return e.count;
  }
  for (int i = 0; i < e.count; ++i) out[i] = e.pc[skip + i];
  if (memo != nullptr) memo->frames_written = true;
  return e.count;
}

// Copies a replay, with the caller's memo, into the thread's WalkTable, mapping one once the
// last replay keeps missing. Only walks that read no saved RBP qualify (see walk_table.h).
[[maybe_unused]] void remember_walk(StackHints& hints, const Replay& r, uint32_t memo) {
  if (r.fp_needed || r.fp_checks != 0 || r.steps == 0) return;
  if (hints.table == nullptr) {
    if (hints.table_released || ++hints.replay_misses < kMissesBeforeTable) return;
    hints.table = WalkTable::claim();
    if (hints.table == nullptr) {
      hints.table_released = true;  // the pool is full: do not try on every walk
      return;
    }
  }
  if (r.pc_slot[r.steps - 1] - r.sp > UINT32_MAX) return;
  WalkEntry& e = *hints.table->victim(hints.generation, r.sp, r.signature);
  e.generation = hints.generation + 1;
  e.sp = r.sp;
  e.signature = r.signature;
  e.memo = memo;
  e.max = r.max;
  e.skip = static_cast<int16_t>(r.skip);
  e.steps = static_cast<uint8_t>(r.steps);
  e.count = static_cast<uint8_t>(r.count);
  for (int d = 0; d < r.steps; ++d) {
    e.slot_offset[d] = static_cast<uint32_t>(r.pc_slot[d] - r.sp);
    e.pc[d] = r.pc[d];
  }
  WalkShape& shape = *hints.table->shape_for(r.sp);
  shape.sp = r.sp;
  shape.steps = e.steps;
  std::memcpy(shape.slot_offset, e.slot_offset, e.steps * sizeof(uint32_t));
}

template <bool kUseHints>
__attribute__((always_inline)) inline WalkEnd walk(StackHints* hints, uintptr_t pc, uintptr_t sp,
                                                   uintptr_t fp, uintptr_t* out, int max, int skip,
                                                   int* count, Recording* rec) {
  using Kind = FrameRule::Kind;
  *count = 0;
  const StackBounds& stack = current_stack_bounds();
  // Not on this thread's stack: a signal handler on sigaltstack, a coroutine, or bounds
  // unknown. libunwind copes with those.
  if (!stack.contains(sp)) return WalkEnd::kFallback;
  const uintptr_t stack_hi = stack.hi;
  int n = 0;
  int depth = 0;  // depth 0 is capture_impl's own frame: stepped over, not reported
  uint64_t rule = rule_at_depth<kUseHints>(hints, depth, pc);
  for (;;) {
    const Kind kind = packed_kind(rule);
    if (kind != Kind::kCfaRsp && kind != Kind::kCfaRbp) [[unlikely]] {
      *count = n;
      if (kind == Kind::kEnd) return WalkEnd::kComplete;
      return kind == Kind::kUnknownCode ? WalkEnd::kDoubt : WalkEnd::kFallback;
    }
    const uintptr_t cfa = (kind == Kind::kCfaRsp ? sp : fp) + packed_cfa_offset(rule);
    if (cfa < sp + sizeof(uintptr_t) || cfa > stack_hi) [[unlikely]] {
      *count = n;
      return WalkEnd::kDoubt;
    }
    uintptr_t fp_slot = 0;
    if (packed_rbp_saved(rule)) {
      // Packing keeps saved-RBP slots below the CFA; the check keeps them above SP.
      fp_slot = cfa + packed_rbp_offset(rule);
      if (fp_slot < sp) [[unlikely]] {
        *count = n;
        return WalkEnd::kDoubt;
      }
      fp = load_word(fp_slot);
    }
    pc = load_word(cfa - sizeof(uintptr_t));
    if constexpr (kUseHints)
      rec->step(cfa - sizeof(uintptr_t), pc, kind == Kind::kCfaRbp, fp_slot, fp);
    sp = cfa;
    if (pc < kLowestCode) [[unlikely]] {
      *count = n;
      // A zero return address is how thread and process entry points end the chain.
      return pc == 0 ? WalkEnd::kComplete : WalkEnd::kDoubt;
    }
    rule = rule_at_depth<kUseHints>(hints, ++depth, pc);
    if (packed_kind(rule) == Kind::kUnknownCode) [[unlikely]] {
      *count = n;
      return WalkEnd::kDoubt;
    }
    if (skip > 0) {
      --skip;
    } else {
      out[n++] = pc;
      if (n == max) break;
    }
  }
  *count = n;
  return WalkEnd::kComplete;
}

// Inlined so that unw_backtrace's first entry is the return address into capture_impl,
// exactly the frame the fast walk also starts from.
__attribute__((always_inline)) inline int capture_libunwind(uintptr_t* out, int max, int skip) {
  void* frames[kLibunwindBuffer];
  const int wanted = static_cast<int>(std::min<long>(kLibunwindBuffer, 1L + skip + max));
  const int got = unw_backtrace(frames, wanted);
  int n = 0;
  for (int i = 1 + skip; i < got && n < max; ++i) out[n++] = reinterpret_cast<uintptr_t>(frames[i]);
  return n;
}

// Every capture goes through here; its own frame is the walk's depth 0 and never reported.
__attribute__((noinline)) int capture_impl(Mode mode, uintptr_t* out, int max, int skip,
                                           MemoCapture* memo) {
  if (out == nullptr || max <= 0) return 0;
  skip = std::max(skip, 0);
  int n = 0;
  switch (mode) {
    case Mode::kNone:
      break;
    case Mode::kLibunwind:
      n = capture_libunwind(out, max, skip);
      break;
    case Mode::kFast: {
#if !LEAKDBG_FAST_UNWIND
      n = capture_libunwind(out, max, skip);
      break;
#else
      uintptr_t pc, sp, fp;
      // One asm statement, so no stack adjustment can fall between the three reads and the
      // CFI row for pc describes exactly this sp.
      __asm__ volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2"
                       : "=r"(pc), "=r"(sp), "=r"(fp));
      HintClaim claim;
      if (claim.hints == nullptr) {
        if (walk<false>(nullptr, pc, sp, fp, out, max, skip, &n, nullptr) == WalkEnd::kFallback) {
          g_counters.fallbacks.fetch_add(1, std::memory_order_relaxed);
          n = capture_libunwind(out, max, skip);
        }
        break;
      }
      StackHints& hints = *claim.hints;
      const bool use_replays = g_replays.load(std::memory_order_relaxed);
      uint64_t signature = 0;
      bool have_signature = false;
      // A thread with a WalkTable allocates from many places: its next stack is rarely the
      // last one, so the table is asked first, at the shape of the last walk from this sp.
      if (use_replays && hints.table != nullptr) {
        if (const WalkShape& shape = *hints.table->shape_for(sp);
            shape.sp == sp && shape_on_stack(shape, sp)) {
          signature = signature_of(static_cast<int>(shape.steps),
                                   [&](int d) { return load_word(sp + shape.slot_offset[d]); });
          have_signature = true;
        }
      }
      if (WalkEntry* e = find_walk(hints, have_signature, sp, signature, max, skip)) {
        n = answer_from(*e, skip, out, memo);
        break;
      }
      have_signature = false;
      const Replay* last = &hints.replays[hints.last_hit];
      if (Replay* r = use_replays
                          ? find_replay(hints, sp, fp, max, skip, &signature, &have_signature)
                          : nullptr) {
        // Found by signature: the table, once there, answers this stack first next time.
        if (r != last && r->memo != 0) remember_walk(hints, *r, r->memo);
        n = r->count;
        if (memo != nullptr) {
          memo->memo = &r->memo;
          if (r->memo != 0) break;  // the caller has what it needs; frames stay unwritten
        }
        for (int i = 0; i < n; ++i) out[i] = r->pc[skip + i];
        if (memo != nullptr) memo->frames_written = true;
        break;
      }
      if (WalkEntry* e = find_walk(hints, have_signature, sp, signature, max, skip)) {
        n = answer_from(*e, skip, out, memo);
        break;
      }
      Recording rec;
      if (use_replays) {
        rec.replay = &hints.replays[hints.next_victim];
        hints.last_hit = hints.next_victim;  // a loop's next capture is likely this stack
        hints.next_victim = (hints.next_victim + 1) % kReplays;
        rec.replay->valid = false;
        hints.keys[hints.last_hit].sp = 0;
      }
      const WalkEnd end = walk<true>(&hints, pc, sp, fp, out, max, skip, &n, &rec);
      switch (end) {
        case WalkEnd::kComplete:
          rec.finish(sp, fp, max, skip, n);
          if (rec.replay != nullptr) {
            hints.keys[hints.last_hit] = {sp, rec.replay->shape, rec.replay->signature};
            remember_walk(hints, *rec.replay, 0);
          }
          if (memo != nullptr && rec.replay != nullptr) memo->memo = &rec.replay->memo;
          break;
        case WalkEnd::kDoubt:
          g_counters.stopped_on_doubt.fetch_add(1, std::memory_order_relaxed);
          break;
        case WalkEnd::kFallback:
          g_counters.fallbacks.fetch_add(1, std::memory_order_relaxed);
          n = capture_libunwind(out, max, skip);
          break;
      }
      break;
#endif
    }
  }
  if (memo != nullptr && (memo->memo == nullptr || *memo->memo == 0)) memo->frames_written = true;
  // Using n after the calls keeps them out of tail position: this frame must stay on the
  // stack for the skip arithmetic to hold.
  __asm__ volatile("" : "+r"(n));
  return n;
}

}  // namespace

__attribute__((noinline)) int capture_with(Mode mode, uintptr_t* out, int max, int skip) {
  int n = capture_impl(mode, out, max, skip + 1, nullptr);
  __asm__ volatile("" : "+r"(n));
  return n;
}

void set_replays(bool enabled) { g_replays.store(enabled, std::memory_order_relaxed); }

void set_mode(Mode new_mode) { g_mode.store(new_mode, std::memory_order_relaxed); }

Mode mode() { return g_mode.load(std::memory_order_relaxed); }

__attribute__((noinline)) int capture(uintptr_t* out, int max, int skip) {
  int n = capture_impl(g_mode.load(std::memory_order_relaxed), out, max, skip + 1, nullptr);
  __asm__ volatile("" : "+r"(n));
  return n;
}

__attribute__((noinline)) MemoCapture capture_memo(uintptr_t* out, int max, int skip) {
  MemoCapture result;
  // Storing the count after the call keeps it out of tail position (skip arithmetic).
  result.count = capture_impl(g_mode.load(std::memory_order_relaxed), out, max, skip + 1, &result);
  return result;
}

void invalidate_range(uintptr_t start, uintptr_t end) {
  g_cache.invalidate(start, end);
  g_generation.fetch_add(1, std::memory_order_acq_rel);
}

void release_thread_caches() {
  StackHints& mine = t_hints;
  mine.table_released = true;
  if (mine.in_use) return;  // a signal handler runs on top of a walk: keep the table
  WalkTable::release(mine.table);
  mine.table = nullptr;
}

Stats stats() {
  return Stats{g_counters.misses.load(std::memory_order_relaxed),
               g_counters.uncached.load(std::memory_order_relaxed),
               g_counters.fallbacks.load(std::memory_order_relaxed),
               g_counters.stopped_on_doubt.load(std::memory_order_relaxed)};
}

size_t cached_rules() { return g_cache.size(); }

}  // namespace leakdbg::unwind
