// Judging one call site's trend: a likely leak, or one of the patterns that only look like
// one (a cache that warmed up and stays flat, temporaries that spike and fall back, a pool
// whose blocks are returned and reused, a one-time allocation). The reason is written in
// words because it is the first thing a user reads.
#pragma once

#include <cstdint>
#include <string>

#include "analysis/analyze_digest.h"
#include "analysis/trend.h"

namespace leakdbg::analysis {

struct SiteTrend {
  uint32_t site = 0;
  SiteKind kind = SiteKind::kHeap;
  SeriesTrend bytes, blocks;  // over the series of snapshots taken during the run
  // Of the blocks live at one snapshot, the fraction still live at the next (pooled over all
  // intervals). Leaked blocks all survive; recycled ones do not. Negative if unknown.
  double survival = -1;
  // Ages of the site's live blocks at the last snapshot of the series.
  bool has_ages = false;
  double oldest_age_s = 0, youngest_age_s = 0, mean_age_s = 0;
  // What the exit snapshot (after static destructors) still held: never freed.
  bool exit_known = false;
  uint64_t exit_bytes = 0, exit_blocks = 0;
  double share = 0;  // of the total growth of all growing sites
};

struct Judgement {
  bool likely_leak = false;
  std::string reason;
};

// Growth below this is not called a leak however steady (allocator noise, lazy init).
inline constexpr uint64_t kMinLeakBytes = 1024;

// `has_times` false means the snapshots carry no times (imported text): rates are then per
// snapshot and said so.
Judgement judge_site(const SiteTrend& trend, bool has_times);

}  // namespace leakdbg::analysis
