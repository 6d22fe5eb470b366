#include "analysis/suspect.h"

#include <gtest/gtest.h>

#include <vector>

#include "analysis/suspect_text.h"

namespace leakdbg::analysis {
namespace {

SiteTrend site_with(const std::vector<double>& bytes, const std::vector<double>& blocks,
                    double survival) {
  std::vector<double> t;
  for (size_t i = 0; i < bytes.size(); ++i) t.push_back(static_cast<double>(i));
  SiteTrend s;
  s.bytes = trend_of(t, bytes);
  s.blocks = trend_of(t, blocks);
  s.survival = survival;
  return s;
}

std::string words(const SiteTrend& s, bool has_times = true) {
  return reason_text(s, judge_site(s), has_times);
}

TEST(Suspect, SteadyGrowthWithSurvivingBlocksIsALikelyLeak) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3, 256e3, 320e3}, {0, 1e3, 2e3, 3e3, 4e3, 5e3}, 1.0);
  Judgement j = judge_site(s);
  EXPECT_TRUE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kLeak);
  EXPECT_EQ(j.reason, ReasonCode::kStillGrowing);
  EXPECT_NE(words(s).find("still grew at the end"), std::string::npos) << words(s);
  EXPECT_NE(words(s).find("100.0%"), std::string::npos) << words(s);
}

TEST(Suspect, WarmedUpCacheIsNotALeak) {
  SiteTrend s = site_with({0, 5e4, 1e5, 1e5, 1e5, 1e5, 1e5}, {0, 50, 100, 100, 100, 100, 100}, 1.0);
  Judgement j = judge_site(s);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kCache);
  EXPECT_NE(words(s).find("flat"), std::string::npos) << words(s);
}

TEST(Suspect, TemporaryPeakIsNotALeak) {
  SiteTrend s = site_with({1e3, 9e5, 2e3, 8e5, 3e3}, {1, 900, 2, 800, 3}, 0.0);
  Judgement j = judge_site(s);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kTemporary);
  EXPECT_NE(words(s).find("temporary"), std::string::npos) << words(s);
}

TEST(Suspect, RecycledBlocksAreNotALeak) {
  SiteTrend s = site_with({1e4, 1.1e4, 1.2e4, 1.3e4, 1.4e4}, {100, 110, 120, 130, 140}, 0.1);
  Judgement j = judge_site(s);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.reason, ReasonCode::kBlocksRecycled);
  EXPECT_NE(words(s).find("recycled"), std::string::npos) << words(s);
}

TEST(Suspect, OneTimeAllocationIsNotALeak) {
  SiteTrend s = site_with({0, 0, 0, 0, 0, 0, 0, 0, 5e5}, {0, 0, 0, 0, 0, 0, 0, 0, 1}, -1);
  Judgement j = judge_site(s);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kOccasional);
  EXPECT_NE(words(s).find("only 1 of 8 intervals"), std::string::npos) << words(s);
}

TEST(Suspect, LargeGrowthBetweenTwoStatesIsASuspectWithTheCaveat) {
  SiteTrend s = site_with({0, 44.5e6}, {0, 91234}, 1.0);
  Judgement j = judge_site(s);
  EXPECT_FALSE(j.likely_leak);  // two states cannot tell a leak from a cache
  EXPECT_EQ(j.verdict_class, VerdictClass::kTwoStateGrowth);
  EXPECT_EQ(j.reason, ReasonCode::kTwoSnapshots);
  EXPECT_EQ(reason_text(s, j, false, StateNoun::kLog),
            "two states: growth of 42.4 MiB in 91,234 blocks; a third log tells a leak from a "
            "cache");
  // Where the text gives no old counts, no block figure is stated.
  EXPECT_EQ(reason_text(s, j, false, StateNoun::kLog, false),
            "two states: growth of 42.4 MiB; a third log tells a leak from a cache");
  EXPECT_EQ(verdict_class_word(j.verdict_class), "SUSPECT");
}

TEST(Suspect, SmallGrowthBetweenTwoStatesStaysUndetermined) {
  SiteTrend s = site_with({0, 512}, {0, 4}, 1.0);
  Judgement j = judge_site(s);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kUndetermined);
  EXPECT_NE(words(s).find("three or more"), std::string::npos) << words(s);
}

SeriesTrend commit_of(const std::vector<double>& committed) {
  std::vector<double> t;
  for (size_t i = 0; i < committed.size(); ++i) t.push_back(60.0 * static_cast<double>(i));
  return trend_of(t, committed);
}

TEST(HeapCommit, CommitGrowingAcrossThreeDumpsIsALikelyLeak) {
  Judgement j = judge_heap_commit(commit_of({3e6, 5e6, 7.5e6}));
  EXPECT_TRUE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kLeak);
  EXPECT_EQ(j.reason, ReasonCode::kCommitGrowing);
  EXPECT_EQ(reason_code_name(j.reason), "commit_growing");
}

TEST(HeapCommit, CommitThatGrowsThenShrinksIsNotALeak) {
  Judgement j = judge_heap_commit(commit_of({200e3, 1.3e6, 260e3}));
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kTemporary);
  EXPECT_EQ(j.reason, ReasonCode::kPeakedThenFell);
}

TEST(HeapCommit, TwoDumpsGiveASuspectWithTheTwoStatesReason) {
  Judgement j = judge_heap_commit(commit_of({3e6, 5e6}));
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kTwoStateGrowth);
  EXPECT_EQ(j.reason, ReasonCode::kTwoSnapshots);
}

TEST(HeapCommit, PageSizedMovementIsNotASuspect) {
  EXPECT_EQ(judge_heap_commit(commit_of({300e3, 304e3, 308e3, 312e3})).verdict_class,
            VerdictClass::kSmallGrowth);
  EXPECT_EQ(judge_heap_commit(commit_of({300e3, 308e3})).verdict_class,
            VerdictClass::kUndetermined);
  EXPECT_EQ(judge_heap_commit(commit_of({300e3, 300e3, 300e3})).verdict_class,
            VerdictClass::kNoGrowth);
}

TEST(HeapCommit, CommitThatStopsGrowingHasWarmedUp) {
  Judgement j = judge_heap_commit(commit_of({1e6, 2e6, 3e6, 4e6, 4e6, 4e6, 4e6}));
  EXPECT_FALSE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kCache);
}

TEST(Suspect, TinyGrowthIsNotCalledALeak) {
  SiteTrend s = site_with({0, 100, 200, 300, 400}, {0, 1, 2, 3, 4}, 1.0);
  EXPECT_FALSE(judge_site(s).likely_leak);
  EXPECT_EQ(judge_site(s).verdict_class, VerdictClass::kSmallGrowth);
}

TEST(Suspect, GrowingSingleBlockIsALeakDespiteReallocation) {
  // realloc moves the block, so it never "survives"; its size is what grows.
  SiteTrend s = site_with({1e4, 2e4, 3e4, 4e4, 5e4}, {1, 1, 1, 1, 1}, 0.0);
  Judgement j = judge_site(s);
  EXPECT_TRUE(j.likely_leak) << words(s);
  EXPECT_NE(words(s).find("bigger"), std::string::npos) << words(s);
}

// Growth still referenced until the end and freed by teardown is its own class: a leak in a
// service, expected in a job that builds a result.
TEST(Suspect, GrowthFreedAtExitIsHeldUntilExitNotALikelyLeak) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3}, {0, 1e3, 2e3, 3e3}, 1.0);
  s.exit_known = true;
  Judgement freed = judge_site(s);
  EXPECT_FALSE(freed.likely_leak);
  EXPECT_EQ(freed.verdict_class, VerdictClass::kHeldUntilExit);
  EXPECT_EQ(freed.reason, ReasonCode::kFreedOnlyAtTeardown);
  EXPECT_NE(words(s).find("freed only at teardown"), std::string::npos) << words(s);
  s.exit_blocks = 3000;
  s.exit_bytes = 192000;
  EXPECT_TRUE(judge_site(s).likely_leak);
  EXPECT_NE(words(s).find("3000 blocks"), std::string::npos) << words(s);
}

TEST(Suspect, TeardownSnapshotsWithoutExitAlsoShowTheFree) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3}, {0, 1e3, 2e3, 3e3}, 1.0);
  s.teardown_seen = true;
  s.teardown_bytes = 10e3;
  EXPECT_EQ(judge_site(s).verdict_class, VerdictClass::kHeldUntilExit);
  s.teardown_bytes = 150e3;  // most of it still held: not freed by teardown
  EXPECT_EQ(judge_site(s).verdict_class, VerdictClass::kLeak);
}

ReachabilityEvidence lost_blocks(uint64_t unreachable, uint64_t indirect) {
  ReachabilityEvidence r;
  r.unreachable_blocks = unreachable;
  r.unreachable_bytes = unreachable * 64;
  r.indirect_blocks = indirect;
  r.indirect_bytes = indirect * 32;
  return r;
}

TEST(Suspect, UnreferencedBlocksMakeALeakWhateverExitDid) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3}, {0, 1e3, 2e3, 3e3}, 1.0);
  s.exit_known = true;
  s.reachability = lost_blocks(12, 0);
  Judgement j = judge_site(s);
  EXPECT_TRUE(j.likely_leak);
  EXPECT_EQ(j.verdict_class, VerdictClass::kUnreferencedLeak);
  EXPECT_EQ(j.reason, ReasonCode::kUnreferenced);
  EXPECT_EQ(words(s).find("no longer referenced: 12 blocks (768 B); grew +"), 0u) << words(s);
}

TEST(Suspect, UnreferencedBlocksOutrankEveryShapeEvenWithoutGrowth) {
  // One snapshot at exit, as a leak checker sees it: the lost blocks alone decide.
  SiteTrend once = site_with({4096}, {64}, -1);
  once.reachability = lost_blocks(0, 64);
  EXPECT_EQ(judge_site(once).verdict_class, VerdictClass::kUnreferencedLeak);
  EXPECT_EQ(words(once),
            "no longer referenced: 64 blocks (2.0 KiB) referenced only by lost blocks");
  // A warmed-up cache with a few lost blocks still leaks those.
  SiteTrend cache = site_with({0, 5e4, 1e5, 1e5, 1e5, 1e5}, {0, 50, 100, 100, 100, 100}, 1.0);
  cache.reachability = lost_blocks(3, 1);
  EXPECT_EQ(judge_site(cache).verdict_class, VerdictClass::kUnreferencedLeak);
  EXPECT_NE(words(cache).find("3 blocks (192 B), and 1 block (32 B) referenced only by lost"),
            std::string::npos)
      << words(cache);
  // Classes with nothing lost leave the shape's verdict alone.
  cache.reachability = lost_blocks(0, 0);
  EXPECT_EQ(judge_site(cache).verdict_class, VerdictClass::kCache);
}

TEST(Suspect, ReachableGrowthSaysWhatHoldsIt) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3, 256e3}, {0, 1e3, 2e3, 3e3, 4e3}, 1.0);
  s.reachability = lost_blocks(0, 0);
  HeldBy held;
  held.root.kind = ReferrerKind::kMemory;
  held.root.module = "/opt/svc/bin/cfghost";
  held.root.symbol = "g_registry";
  held.blocks = 3900;
  held.reachable_blocks = 4000;
  s.reachability->held_by = held;
  EXPECT_EQ(judge_site(s).verdict_class, VerdictClass::kLeak);
  EXPECT_NE(words(s).find("; reachable growth held by g_registry in cfghost (3900 of 4000 blocks)"),
            std::string::npos)
      << words(s);
  held.root = HolderRoot{};
  held.root.kind = ReferrerKind::kStack;
  held.root.tid = 812;
  held.root.thread_name = "worker";
  held.blocks = held.reachable_blocks;
  EXPECT_EQ(held_by_text(held), "the stack of thread 812 (worker)");
  held.root.kind = ReferrerKind::kMemory;
  held.root.module.clear();
  EXPECT_EQ(held_by_text(held), "writable memory outside every module");
  held.root.module = "libfoo.so";
  EXPECT_EQ(held_by_text(held), "a global of libfoo.so");
}

TEST(Suspect, RatesWithoutTimesArePerSnapshot) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3}, {0, 1e3, 2e3, 3e3}, -1);
  EXPECT_NE(words(s, false).find("per snapshot"), std::string::npos);
}

TEST(Suspect, CodesHaveStableNames) {
  EXPECT_EQ(verdict_class_name(VerdictClass::kHeldUntilExit), "held_until_exit");
  EXPECT_EQ(reason_code_name(ReasonCode::kFreedOnlyAtTeardown), "freed_only_at_teardown");
  EXPECT_EQ(verdict_class_name(VerdictClass::kLeak), "leak");
}

}  // namespace
}  // namespace leakdbg::analysis
