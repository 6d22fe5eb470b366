#include "analysis/suspect.h"

#include <cmath>

#include "util/units.h"

namespace leakdbg::analysis {

namespace {

std::string bytes_text(double bytes) {
  return format_bytes(static_cast<uint64_t>(std::llround(std::max(0.0, bytes))));
}

std::string signed_bytes_text(double bytes) {
  return format_bytes_signed(static_cast<int64_t>(std::llround(bytes)));
}

std::string rate_text(const SeriesTrend& bytes, bool has_times) {
  if (!has_times)
    return signed_bytes_text(bytes.growth / std::max<double>(1, bytes.intervals)) + " per snapshot";
  return signed_bytes_text(bytes.slope_per_s * 60) + "/min";
}

std::string exit_text(const SiteTrend& t) {
  if (!t.exit_known) return "";
  if (t.exit_blocks == 0) return "; all freed by exit";
  return "; " + std::to_string(t.exit_blocks) + (t.exit_blocks == 1 ? " block" : " blocks") + " (" +
         format_bytes(t.exit_bytes) + ") never freed at exit";
}

}  // namespace

Judgement judge_site(const SiteTrend& t, bool has_times) {
  const SeriesTrend& b = t.bytes;
  Judgement j;
  if (b.points < 2) {
    j.reason = "one snapshot: " + bytes_text(b.last) + " live; growth needs two or more";
    return j;
  }
  if (b.growth <= 0) {
    j.reason = b.peak > b.first ? "peaked at " + bytes_text(b.peak) + " and fell back to " +
                                      bytes_text(b.last) + ": temporary allocations"
                                : "no growth";
    return j;
  }
  if (b.points == 2) {
    j.reason = "grew " + signed_bytes_text(b.growth) +
               " between the only two snapshots; three or more tell a leak from a cache";
    return j;
  }
  // Temporaries: most of what was reached has been given back since the peak.
  double rise = b.peak - b.first;
  if (rise > 0 && (b.peak - b.last) > 0.5 * rise) {
    j.reason = "peaked at " + bytes_text(b.peak) + " then fell back to " + bytes_text(b.last) +
               ": temporary allocations, not kept";
    return j;
  }
  if (t.blocks.growth > 0 && t.survival >= 0 && t.survival < 0.75) {
    j.reason = "blocks are recycled: only " + format_percent(t.survival) +
               " of them last from one snapshot to the next (a pool or cache returning memory)";
    return j;
  }
  // As many blocks as before, but none of them the same: live churn whose sizes happen to
  // be larger now. A realloc leak keeps its few blocks (or one) alive, so it does not match.
  if (t.blocks.growth <= 0 && t.survival >= 0 && t.survival < 0.25 && t.blocks.last >= 4) {
    j.reason = "the same number of blocks, replaced every interval (" +
               format_percent(t.survival) + " survive): churn whose sizes vary, nothing is kept";
    return j;
  }
  if (!b.still_growing && b.intervals_grew >= 2) {
    j.reason = "grew " + signed_bytes_text(b.growth) + " in " + std::to_string(b.intervals_grew) +
               " steps, then stayed flat over the last part of the run: a cache or pool that "
               "warmed up";
    return j;
  }
  size_t needed = std::max<size_t>(2, static_cast<size_t>(std::ceil(0.4 * b.intervals)));
  if (b.intervals_grew < needed || !b.still_growing) {
    j.reason = "grew in only " + std::to_string(b.intervals_grew) + " of " +
               std::to_string(b.intervals) + " intervals: a one-time or occasional allocation";
    return j;
  }
  if (b.growth < static_cast<double>(kMinLeakBytes)) {
    j.reason = "grows steadily but only by " + signed_bytes_text(b.growth) + " (" +
               rate_text(b, has_times) + "): too little to call a leak yet";
    return j;
  }
  j.likely_leak = true;
  j.reason = "grew in " + std::to_string(b.intervals_grew) + " of " + std::to_string(b.intervals) +
             " intervals and still grows at the end, " + rate_text(b, has_times);
  if (t.blocks.growth > 0 && t.survival >= 0)
    j.reason +=
        "; " + format_percent(std::min(1.0, t.survival)) + " of its blocks survive each interval";
  else if (t.blocks.growth <= 0)
    j.reason += "; the same blocks keep getting bigger";
  if (t.has_ages && t.blocks.last > 0)
    j.reason += ", oldest " + format_duration(t.oldest_age_s) + " old";
  j.reason += exit_text(t);
  return j;
}

}  // namespace leakdbg::analysis
