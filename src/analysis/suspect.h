// Judging one call site's trend: a likely leak, growth held until the program ends, or one of
// the patterns that only look like a leak (a cache that warmed up and stays flat, temporaries
// that spike and fall back, a pool whose blocks are returned and reused, a one-time
// allocation). The judgement is data (a class, a reason code and the trend's numbers);
// suspect_text.h turns it into words.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "analysis/analyze_digest.h"
#include "analysis/analyze_sites.h"
#include "analysis/site_label.h"
#include "analysis/trend.h"

namespace leakdbg::analysis {

// What holds most of a site's reachable blocks (an mmap site's: regions): the root at the top
// of their retainer paths and the block or region it points at (the container), when that is
// another site's.
struct HeldBy {
  HolderRoot root;
  bool has_container = false;
  SiteKind container_kind = SiteKind::kHeap;
  std::vector<SymbolicFrame> container_frames;
  SiteLabel container_site;
  uint64_t blocks = 0, bytes = 0;  // held this way
  uint64_t reachable_blocks = 0;   // of the site's blocks that a root holds at all
};

// Whether the site's blocks are still referenced, from the last snapshot with a reachability
// scan (none: unknown). Blocks nothing points to any more are a leak whatever the trend says.
struct ReachabilityEvidence {
  uint64_t unreachable_blocks = 0, unreachable_bytes = 0;  // heads of lost trees
  uint64_t indirect_blocks = 0, indirect_bytes = 0;        // lost, pointed at by lost blocks
  uint64_t possibly_blocks = 0, possibly_bytes = 0;        // held through interior pointers
  uint64_t scanned_blocks = 0;  // the site's live blocks in that snapshot
  size_t snapshot = 0;          // index into AnalyzeReport::snapshots
  // From the last exit snapshot where a root held some of the site's blocks, else the last
  // other snapshot with classes.
  std::optional<HeldBy> held_by;

  uint64_t lost_blocks() const { return unreachable_blocks + indirect_blocks; }
  uint64_t lost_bytes() const { return unreachable_bytes + indirect_bytes; }
};

struct SiteTrend {
  SiteId site{};
  SiteKind kind = SiteKind::kHeap;
  // Over the running phase: the snapshots taken while the program ran, before teardown.
  SeriesTrend bytes, blocks;
  // Of the blocks live at one snapshot, the fraction still live at the next (pooled over all
  // intervals). Leaked blocks all survive; recycled ones do not. Negative if unknown.
  double survival = -1;
  // Ages of the site's live blocks at the last snapshot of the running phase.
  bool has_ages = false;
  double oldest_age_s = 0, youngest_age_s = 0, mean_age_s = 0;
  // Snapshots taken during teardown (see Teardown in analyze.h) left out of the trend: the
  // site's bytes at the last of them.
  bool teardown_seen = false;
  double teardown_bytes = 0;
  // What the exit snapshot (after static destructors) still held: never freed.
  bool exit_known = false;
  uint64_t exit_bytes = 0, exit_blocks = 0;
  double share = 0;  // of the total growth of all growing sites
  std::optional<ReachabilityEvidence> reachability;
};

// What the data shows about a site, most serious first.
enum class VerdictClass : uint8_t {
  kUnreferencedLeak,  // grows, and blocks of it are no longer referenced
  kLeak,              // grows through the run, still growing, still held at exit (or no exit)
  kHeldUntilExit,     // grows through the run, freed only at teardown or exit
  kTwoStateGrowth,    // grew by kMinLeakBytes or more between the only two states: a suspect
  kSmallGrowth,       // steady growth, too little to call a leak yet
  kCache,             // grew, then flat: warmed up
  kTemporary,         // rose and fell back
  kRecycled,          // blocks do not last: a pool or cache returning memory
  kOccasional,        // grew in few intervals
  kNoGrowth,
  kUndetermined,  // one or two snapshots: not enough to tell a shape
};

// The test that decided the class.
enum class ReasonCode : uint8_t {
  kOneSnapshot,          // one point: only what is live
  kNoGrowth,             // never above its first value
  kFellBack,             // ends at or below its first value after a peak
  kTwoSnapshots,         // grew between the only two
  kPeakedThenFell,       // more than half of the rise given back
  kBlocksRecycled,       // few blocks survive an interval
  kBlocksReplaced,       // same count, none the same blocks
  kWarmedUp,             // grew, then flat over the late part of the run
  kOccasionalGrowth,     // grew in few intervals
  kTooSmall,             // grows steadily but below kMinLeakBytes
  kStillGrowing,         // grows steadily to the end and is held at exit (or no exit)
  kFreedOnlyAtTeardown,  // grows steadily through the run; teardown or exit freed it
  kUnreferenced,         // blocks nothing points to any more (or only other such blocks)
  kCommitGrowing,        // a heap's committed memory grows steadily to the end (heap figures)
};

std::string_view verdict_class_name(VerdictClass c);  // "leak", "held_until_exit", ...
std::string_view reason_code_name(ReasonCode r);      // "still_growing", ...

struct Judgement {
  bool likely_leak = false;
  VerdictClass verdict_class = VerdictClass::kUndetermined;
  ReasonCode reason = ReasonCode::kOneSnapshot;
};

// Growth below this is not called a leak however steady (allocator noise, lazy init).
inline constexpr uint64_t kMinLeakBytes = 1024;

// At exit, at most this fraction of the running phase's growth still held counts as "freed
// at exit" (static destructors rarely free everything a service built).
inline constexpr double kFreedAtExitFraction = 0.1;

Judgement judge_site(const SiteTrend& trend);

// Heaps commit in pages and segments: less growth than this is the heap manager's own
// movement, not a leak.
inline constexpr uint64_t kMinCommitGrowthBytes = 64 * 1024;

// Judges a heap by its committed bytes over the series, for sources that give a heap's
// figures but not its blocks (`!heap -s` dumps): the same shapes as a site, with
// kCommitGrowing for steady growth.
Judgement judge_heap_commit(const SeriesTrend& committed);

}  // namespace leakdbg::analysis
