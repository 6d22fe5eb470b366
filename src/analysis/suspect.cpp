#include "analysis/suspect.h"

#include <algorithm>
#include <cmath>

namespace leakdbg::analysis {

namespace {

// Whether what the program still held after its running phase (at exit, else at the last
// teardown snapshot) gave back nearly all the growth.
bool freed_after_running_phase(const SiteTrend& t) {
  if (!t.exit_known && !t.teardown_seen) return false;
  double held = t.exit_known ? static_cast<double>(t.exit_bytes) : t.teardown_bytes;
  return held <= t.bytes.last - (1 - kFreedAtExitFraction) * t.bytes.growth;
}

Judgement judged(VerdictClass c, ReasonCode r, bool likely_leak = false) {
  return Judgement{likely_leak, c, r};
}

// Two states show growth but not its shape: large growth is a suspect all the same (a leak
// or a cache; a third state tells them apart), small growth stays undetermined.
Judgement two_states(const SeriesTrend& b, double suspect_bytes) {
  return b.growth >= suspect_bytes
             ? judged(VerdictClass::kTwoStateGrowth, ReasonCode::kTwoSnapshots)
             : judged(VerdictClass::kUndetermined, ReasonCode::kTwoSnapshots);
}

// Temporaries: most of what was reached has been given back since the peak.
bool gave_back_most(const SeriesTrend& b) {
  double rise = b.peak - b.first;
  return rise > 0 && (b.peak - b.last) > 0.5 * rise;
}

// Grew in enough of the intervals to call it steady (at least two, and 40% of them).
bool grew_often(const SeriesTrend& b) {
  size_t needed = std::max<size_t>(2, static_cast<size_t>(std::ceil(0.4 * b.intervals)));
  return b.intervals_grew >= needed;
}

}  // namespace

std::string_view verdict_class_name(VerdictClass c) {
  switch (c) {
    case VerdictClass::kUnreferencedLeak:
      return "unreferenced_leak";
    case VerdictClass::kLeak:
      return "leak";
    case VerdictClass::kHeldUntilExit:
      return "held_until_exit";
    case VerdictClass::kTwoStateGrowth:
      return "two_state_growth";
    case VerdictClass::kSmallGrowth:
      return "small_growth";
    case VerdictClass::kCache:
      return "cache";
    case VerdictClass::kTemporary:
      return "temporary";
    case VerdictClass::kRecycled:
      return "recycled";
    case VerdictClass::kOccasional:
      return "occasional";
    case VerdictClass::kNoGrowth:
      return "no_growth";
    case VerdictClass::kUndetermined:
      return "undetermined";
  }
  return "undetermined";
}

std::string_view reason_code_name(ReasonCode r) {
  switch (r) {
    case ReasonCode::kOneSnapshot:
      return "one_snapshot";
    case ReasonCode::kNoGrowth:
      return "no_growth";
    case ReasonCode::kFellBack:
      return "fell_back";
    case ReasonCode::kTwoSnapshots:
      return "two_snapshots";
    case ReasonCode::kPeakedThenFell:
      return "peaked_then_fell";
    case ReasonCode::kBlocksRecycled:
      return "blocks_recycled";
    case ReasonCode::kBlocksReplaced:
      return "blocks_replaced";
    case ReasonCode::kWarmedUp:
      return "warmed_up";
    case ReasonCode::kOccasionalGrowth:
      return "occasional_growth";
    case ReasonCode::kTooSmall:
      return "too_small";
    case ReasonCode::kStillGrowing:
      return "still_growing";
    case ReasonCode::kFreedOnlyAtTeardown:
      return "freed_only_at_teardown";
    case ReasonCode::kUnreferenced:
      return "unreferenced";
    case ReasonCode::kCommitGrowing:
      return "commit_growing";
  }
  return "no_growth";
}

Judgement judge_site(const SiteTrend& t) {
  const SeriesTrend& b = t.bytes;
  // Proof beats shape: blocks no pointer reaches can never be freed, whatever the trend.
  if (t.reachability && t.reachability->lost_blocks() > 0)
    return judged(VerdictClass::kUnreferencedLeak, ReasonCode::kUnreferenced, true);
  if (b.points < 2) return judged(VerdictClass::kUndetermined, ReasonCode::kOneSnapshot);
  if (b.growth <= 0)
    return b.peak > b.first ? judged(VerdictClass::kTemporary, ReasonCode::kFellBack)
                            : judged(VerdictClass::kNoGrowth, ReasonCode::kNoGrowth);
  if (b.points == 2) return two_states(b, static_cast<double>(kMinLeakBytes));
  if (gave_back_most(b)) return judged(VerdictClass::kTemporary, ReasonCode::kPeakedThenFell);
  if (t.blocks.growth > 0 && t.survival >= 0 && t.survival < 0.75)
    return judged(VerdictClass::kRecycled, ReasonCode::kBlocksRecycled);
  // As many blocks as before, but none of them the same: live churn whose sizes happen to
  // be larger now. A realloc leak keeps its few blocks (or one) alive, so it does not match.
  if (t.blocks.growth <= 0 && t.survival >= 0 && t.survival < 0.25 && t.blocks.last >= 4)
    return judged(VerdictClass::kRecycled, ReasonCode::kBlocksReplaced);
  if (!b.still_growing && b.intervals_grew >= 2)
    return judged(VerdictClass::kCache, ReasonCode::kWarmedUp);
  if (!grew_often(b) || !b.still_growing)
    return judged(VerdictClass::kOccasional, ReasonCode::kOccasionalGrowth);
  if (b.growth < static_cast<double>(kMinLeakBytes))
    return judged(VerdictClass::kSmallGrowth, ReasonCode::kTooSmall);
  // Steady growth through the running phase. What happened to it afterwards decides the
  // class, never whether it is listed.
  if (freed_after_running_phase(t))
    return judged(VerdictClass::kHeldUntilExit, ReasonCode::kFreedOnlyAtTeardown);
  return judged(VerdictClass::kLeak, ReasonCode::kStillGrowing, true);
}

Judgement judge_heap_commit(const SeriesTrend& b) {
  if (b.points < 2) return judged(VerdictClass::kUndetermined, ReasonCode::kOneSnapshot);
  if (b.growth <= 0)
    return b.peak > b.first ? judged(VerdictClass::kTemporary, ReasonCode::kFellBack)
                            : judged(VerdictClass::kNoGrowth, ReasonCode::kNoGrowth);
  if (b.points == 2) return two_states(b, static_cast<double>(kMinCommitGrowthBytes));
  if (gave_back_most(b)) return judged(VerdictClass::kTemporary, ReasonCode::kPeakedThenFell);
  if (!b.still_growing && b.intervals_grew >= 2)
    return judged(VerdictClass::kCache, ReasonCode::kWarmedUp);
  if (!grew_often(b) || !b.still_growing)
    return judged(VerdictClass::kOccasional, ReasonCode::kOccasionalGrowth);
  if (b.growth < static_cast<double>(kMinCommitGrowthBytes))
    return judged(VerdictClass::kSmallGrowth, ReasonCode::kTooSmall);
  return judged(VerdictClass::kLeak, ReasonCode::kCommitGrowing, true);
}

}  // namespace leakdbg::analysis
