// What a snapshot's reachability scan says: bytes and blocks per class, who points at a
// block, and the chain that holds it (its retainer path), as WinDbg's `!heap -l` and
// `!heap -x -v` and a heap profiler's retainer view. Data only; renderers name things.
#pragma once

#include <cstdint>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

struct ClassTotals {
  uint64_t blocks = 0, bytes = 0;
};

struct ReachSummary {
  bool classified = false;  // the snapshot has classes (a complete scan)
  ReachabilityInfo scan;    // how the scan went (scan.attempted false: none was made)
  ClassTotals reachable, possibly, indirect, unreachable;
  // Tracked private anonymous mmap regions (blocks = regions, bytes = lengths), when the
  // snapshot classifies them.
  bool regions_classified = false;
  ClassTotals region_reachable, region_possibly, region_indirect, region_unreachable;
};

ReachSummary summarize_reachability(const HeapModel& model);
const ClassTotals& totals_of(const ReachSummary& summary, ReachClass c);
const ClassTotals& region_totals_of(const ReachSummary& summary, ReachClass c);

// Throws Error (one line) unless the model holds classes, saying why not.
void require_reachability(const HeapModel& model);

// One pointer to a block, with what holds it.
struct ReferrerInfo {
  ReferrerKind kind = ReferrerKind::kNone;
  uint64_t slot = 0;               // address of the pointing word (register number for registers)
  uint32_t tid = 0;                // stack, TLS and register referrers
  uint64_t target = 0;             // the block pointed at
  const Block* holder = nullptr;   // kind block: the block holding the word (if in the snapshot)
  const Region* region = nullptr;  // kind block, no such block: the mmap region holding it
  uint64_t offset = 0;             // slot - holder->address
  const Module* module = nullptr;  // kind global: the module whose memory holds the word
  bool parent = false;             // the referrer on the shortest chain
};

struct ReferrerList {
  std::vector<ReferrerInfo> referrers;  // the parent first, then the others found
  uint64_t total = 0;                   // pointers found, kept or not
};

ReferrerList referrers_of(const HeapModel& model, const Block& block);
// A classified region's: its parent, then the others the snapshot recorded (files of earlier
// writers hold the parent only).
ReferrerList referrers_of(const HeapModel& model, const Region& region);

// The chain from a root to `block`: each step is the referrer of the next block, the last
// the block's own parent. For a lost block it starts at the unreachable block heading its
// tree (whose own referrer is none). Empty when the block has no parent.
std::vector<ReferrerInfo> retainer_path(const HeapModel& model, const Block& block);
std::vector<ReferrerInfo> retainer_path(const HeapModel& model, const Region& region);

}  // namespace leakdbg
