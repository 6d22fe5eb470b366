// A thread's record of many complete walks, beyond the few replays it keeps in TLS: a program
// that allocates from hundreds of places at one stack depth (a dispatcher, an interpreter
// loop, a parser's productions) finds its stack here instead of walking it again.
//
// An entry is a walk that read no saved RBP (every CFA came from RSP): such a walk is a
// function of its starting sp and of the return addresses it loaded, so when each recorded
// slot still holds its recorded word, a new walk would return the same stack. Entries hold
// their own slots, so a match never depends on the lookup key (a hash) being unique.
//
// Tables are mapped on demand, only for threads whose replays keep missing, and go back to a
// process-wide pool when their thread exits; they are never unmapped (no reader can be left
// on a freed table, and a fork child keeps its copy). Entries outlive their thread safely:
// a new thread whose stack reuses the same addresses either holds the same words at the same
// slots (then the stack is the same) or fails the check.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace leakdbg::unwind {

constexpr int kWalkTableSteps = 32;

struct WalkEntry {
  uint64_t generation;  // g_generation + 1 when stored (0: empty); older ones are stale
  uintptr_t sp;
  uint64_t signature;  // of pc[0..steps)
  uint32_t memo;       // the caller's value for this stack (0: none yet)
  int32_t max;
  int16_t skip;
  uint8_t steps;
  uint8_t count;                          // frames returned: pc[skip + i] for i < count
  uint32_t slot_offset[kWalkTableSteps];  // pc[d] was read at sp + slot_offset[d]
  uintptr_t pc[kWalkTableSteps];
};

// The slots the last walk from one stack pointer read: where to read a signature of the
// current stack before any walk (a capture's next stack is often another one from the same
// depth).
struct WalkShape {
  uintptr_t sp;  // 0: empty
  uint32_t steps;
  uint32_t slot_offset[kWalkTableSteps];
};

class WalkTable {
 public:
  static constexpr uint32_t kSets = 1024;
  static constexpr uint32_t kWays = 2;
  static constexpr uint32_t kShapes = 256;

  // The shape last recorded for a walk from sp (direct-mapped: another sp may have taken it).
  WalkShape* shape_for(uintptr_t sp) {
    return &shapes_[static_cast<uint32_t>((sp >> 4) * 0x9E3779B97F4A7C15ull >> 56) & (kShapes - 1)];
  }

  // The entry for this start and signature, or null. The caller checks its slots.
  WalkEntry* find(uint64_t generation, uintptr_t sp, uint64_t signature, int max, int skip) {
    WalkEntry* set = &entries_[set_of(sp, signature) * kWays];
    for (uint32_t way = 0; way < kWays; ++way) {
      WalkEntry& e = set[way];
      if (e.signature == signature && e.sp == sp && e.generation == generation + 1 &&
          e.max == max && e.skip == skip)
        return &e;
    }
    return nullptr;
  }

  // The entry to overwrite for this start and signature: a stale one, else the older way.
  WalkEntry* victim(uint64_t generation, uintptr_t sp, uint64_t signature) {
    const uint32_t set = set_of(sp, signature);
    WalkEntry* ways = &entries_[set * kWays];
    for (uint32_t way = 0; way < kWays; ++way)
      if (ways[way].generation != generation + 1) return &ways[way];
    // Two ways: the one stored longer ago goes; the other becomes the older.
    const uint32_t way = older_way_[set];
    older_way_[set] = static_cast<uint8_t>(way ^ 1);
    return &ways[way];
  }

  // A table from the pool, mapping a new one if none is free; null when none can be had.
  static WalkTable* claim();
  // Back to the pool (the thread that held it exits).
  static void release(WalkTable* table);

 private:
  static uint32_t set_of(uintptr_t sp, uint64_t signature) {
    return static_cast<uint32_t>(((signature ^ (sp >> 4)) * 0x9E3779B97F4A7C15ull) >> 40) &
           (kSets - 1);
  }

  std::atomic<bool> in_use_;
  uint8_t older_way_[kSets];
  WalkShape shapes_[kShapes];
  WalkEntry entries_[kSets * kWays];
};

}  // namespace leakdbg::unwind
