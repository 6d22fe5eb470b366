#include "analysis/suspect_text.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "analysis/site_text.h"
#include "util/units.h"

namespace leakdbg::analysis {

namespace {

std::string bytes_text(double bytes) {
  return format_bytes(static_cast<uint64_t>(std::llround(std::max(0.0, bytes))));
}

std::string signed_bytes_text(double bytes) {
  return format_bytes_signed(static_cast<int64_t>(std::llround(bytes)));
}

std::string rate_text(const SeriesTrend& bytes, bool has_times, StateNoun noun) {
  if (!has_times)
    return signed_bytes_text(bytes.growth /
                             std::max<double>(1, static_cast<double>(bytes.intervals))) +
           " per " + std::string(noun_text(noun));
  return signed_bytes_text(bytes.slope_per_s * 60) + "/min";
}

std::string blocks_text(uint64_t blocks) {
  return std::to_string(blocks) + (blocks == 1 ? " block" : " blocks");
}

// What an mmap site's counts count.
std::string items_text(uint64_t items, SiteKind kind) {
  if (kind == SiteKind::kMmap)
    return std::to_string(items) + (items == 1 ? " mmap region" : " mmap regions");
  return blocks_text(items);
}

std::string intervals_text(size_t grew, size_t intervals) {
  return std::to_string(grew) + " of " + std::to_string(intervals) +
         (intervals == 1 ? " interval" : " intervals");
}

std::string exit_text(const SiteTrend& t) {
  if (!t.exit_known) return "";
  if (t.exit_blocks == 0) return "; all freed by exit";
  return "; " + blocks_text(t.exit_blocks) + " (" + format_bytes(t.exit_bytes) +
         ") never freed at exit";
}

// The steady-growth part every growing class shares.
std::string growth_text(const SiteTrend& t, bool has_times, StateNoun noun) {
  const SeriesTrend& b = t.bytes;
  std::string text = "grew in " + intervals_text(b.intervals_grew, b.intervals) +
                     " and still grew at the end of the run, " + rate_text(b, has_times, noun);
  if (t.blocks.growth > 0 && t.survival >= 0)
    text +=
        "; " + format_percent(std::min(1.0, t.survival)) + " of its blocks survive each interval";
  else if (t.blocks.growth <= 0)
    text += "; the same blocks keep getting bigger";
  if (t.has_ages && t.blocks.last > 0)
    text += ", oldest " + format_duration(t.oldest_age_s) + " old";
  return text;
}

// "; reachable growth held by g_registry in cfghost (3000 of 3000 blocks)"
std::string held_text(const SiteTrend& t, const char* what) {
  if (!t.reachability || !t.reachability->held_by) return "";
  const HeldBy& h = *t.reachability->held_by;
  std::string text = std::string("; ") + what + " held by " + held_by_text(h);
  if (h.blocks < h.reachable_blocks)
    text += " (" + std::to_string(h.blocks) + " of " + items_text(h.reachable_blocks, t.kind) + ")";
  return text;
}

std::string thread_text(const HolderRoot& root) {
  std::string text = "thread " + std::to_string(root.tid);
  if (!root.thread_name.empty()) text += " (" + root.thread_name + ")";
  return text;
}

}  // namespace

std::string held_by_text(const HeldBy& held) {
  const HolderRoot& root = held.root;
  std::string text;
  switch (root.kind) {
    case ReferrerKind::kMemory: {
      if (root.module.empty()) {
        text = "writable memory outside every module";
        break;
      }
      std::string module = std::filesystem::path(root.module).filename().string();
      text = root.symbol.empty() ? "a global of " + module : root.symbol + " in " + module;
      break;
    }
    case ReferrerKind::kStack:
      text = "the stack of " + thread_text(root);
      break;
    case ReferrerKind::kTls:
      text = "the TLS of " + thread_text(root);
      break;
    case ReferrerKind::kRegister:
      text = "a register of " + thread_text(root);
      break;
    case ReferrerKind::kBlock:
    case ReferrerKind::kNone:
      text = "an unknown root";
      break;
  }
  if (held.has_container)
    text += std::string(held.container_kind == SiteKind::kMmap ? " through mmap regions from "
                                                               : " through blocks from ") +
            site_text(held.container_frames, held.container_site);
  return text;
}

std::string lost_text(const ReachabilityEvidence& r, SiteKind kind) {
  std::string text;
  if (r.unreachable_blocks)
    text = "no longer referenced: " + items_text(r.unreachable_blocks, kind) + " (" +
           format_bytes(r.unreachable_bytes) + ")";
  if (r.indirect_blocks)
    text += std::string(text.empty() ? "no longer referenced: " : ", and ") +
            items_text(r.indirect_blocks, kind) + " (" + format_bytes(r.indirect_bytes) +
            ") referenced only by lost blocks";
  return text;
}

std::string_view verdict_class_word(VerdictClass c) {
  switch (c) {
    case VerdictClass::kUnreferencedLeak:
    case VerdictClass::kLeak:
      return "LIKELY";
    case VerdictClass::kHeldUntilExit:
      return "held";
    case VerdictClass::kTwoStateGrowth:
      return "SUSPECT";
    case VerdictClass::kSmallGrowth:
      return "small";
    case VerdictClass::kCache:
      return "cache";
    case VerdictClass::kTemporary:
      return "temp";
    case VerdictClass::kRecycled:
      return "reused";
    case VerdictClass::kOccasional:
      return "once";
    case VerdictClass::kNoGrowth:
      return "no";
    case VerdictClass::kUndetermined:
      return "?";
  }
  return "?";
}

StateNoun state_noun_of(std::string_view source_kind) {
  if (source_kind.rfind("umdh", 0) == 0) return StateNoun::kLog;
  if (source_kind.rfind("windbg", 0) == 0) return StateNoun::kDump;
  return StateNoun::kSnapshot;
}

std::string_view noun_text(StateNoun noun) {
  switch (noun) {
    case StateNoun::kDump:
      return "dump";
    case StateNoun::kLog:
      return "log";
    case StateNoun::kSnapshot:
      break;
  }
  return "snapshot";
}

std::string two_states_text(double growth_bytes, std::optional<uint64_t> blocks,
                            const std::string& source, StateNoun noun) {
  std::string text = "two states: growth of " + bytes_text(growth_bytes);
  if (blocks)
    text += " in " + format_count_grouped(*blocks) + (*blocks == 1 ? " block" : " blocks");
  if (!source.empty()) text += " from " + source;
  return text + "; a third " + std::string(noun_text(noun)) + " tells a leak from a cache";
}

std::string reason_text(const SiteTrend& t, const Judgement& j, bool has_times, StateNoun noun,
                        bool block_counts_known) {
  const SeriesTrend& b = t.bytes;
  switch (j.reason) {
    case ReasonCode::kOneSnapshot:
      return "one snapshot: " + bytes_text(b.last) + " live; growth needs two or more";
    case ReasonCode::kNoGrowth:
      return "no growth";
    case ReasonCode::kFellBack:
      return "peaked at " + bytes_text(b.peak) + " and fell back to " + bytes_text(b.last) +
             ": temporary allocations";
    case ReasonCode::kTwoSnapshots:
      if (j.verdict_class == VerdictClass::kTwoStateGrowth)
        return two_states_text(b.growth,
                               block_counts_known && t.blocks.growth > 0
                                   ? std::optional<uint64_t>(std::llround(t.blocks.growth))
                                   : std::nullopt,
                               "", noun);
      return "grew " + signed_bytes_text(b.growth) + " between the only two " +
             std::string(noun_text(noun)) + "s; three or more tell a leak from a cache";
    case ReasonCode::kPeakedThenFell:
      return "peaked at " + bytes_text(b.peak) + " then fell back to " + bytes_text(b.last) +
             " while the program ran: temporary allocations, not kept";
    case ReasonCode::kBlocksRecycled:
      return "blocks are recycled: only " + format_percent(t.survival) +
             " of them last from one snapshot to the next (a pool or cache returning memory)";
    case ReasonCode::kBlocksReplaced:
      return "the same number of blocks, replaced every interval (" + format_percent(t.survival) +
             " survive): churn whose sizes vary, nothing is kept";
    case ReasonCode::kWarmedUp:
      return "grew " + signed_bytes_text(b.growth) + " in " + std::to_string(b.intervals_grew) +
             (b.intervals_grew == 1 ? " step" : " steps") +
             ", then stayed flat over the last part of the run: a cache or pool that warmed up";
    case ReasonCode::kOccasionalGrowth:
      return "grew in only " + intervals_text(b.intervals_grew, b.intervals) +
             ": a one-time or occasional allocation";
    case ReasonCode::kTooSmall:
      return "grows steadily but only by " + signed_bytes_text(b.growth) + " (" +
             rate_text(b, has_times, noun) + "): too little to call a leak yet";
    case ReasonCode::kStillGrowing:
      return growth_text(t, has_times, noun) + exit_text(t) + held_text(t, "reachable growth");
    case ReasonCode::kFreedOnlyAtTeardown:
      return growth_text(t, has_times, noun) +
             "; freed only at teardown: still referenced until the program ended (a leak in a "
             "service, expected in a job that builds a result)" +
             held_text(t, "reachable growth");
    case ReasonCode::kCommitGrowing:  // heaps only; analyze_render words them
      return "committed memory " + rate_text(b, has_times, noun);
    case ReasonCode::kUnreferenced: {
      std::string text = lost_text(*t.reachability, t.kind);
      if (b.points >= 2 && b.growth > 0)
        text += "; grew " + signed_bytes_text(b.growth) + " in " +
                intervals_text(b.intervals_grew, b.intervals) + ", " +
                rate_text(b, has_times, noun);
      return text + held_text(t, "the reachable rest");
    }
  }
  return "";
}

}  // namespace leakdbg::analysis
