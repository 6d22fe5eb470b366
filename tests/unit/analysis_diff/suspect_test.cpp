#include "analysis/suspect.h"

#include <gtest/gtest.h>

#include <vector>

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

TEST(Suspect, SteadyGrowthWithSurvivingBlocksIsALikelyLeak) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3, 256e3, 320e3}, {0, 1e3, 2e3, 3e3, 4e3, 5e3}, 1.0);
  Judgement j = judge_site(s, true);
  EXPECT_TRUE(j.likely_leak);
  EXPECT_NE(j.reason.find("still grows"), std::string::npos) << j.reason;
  EXPECT_NE(j.reason.find("100.0%"), std::string::npos) << j.reason;
}

TEST(Suspect, WarmedUpCacheIsNotALeak) {
  SiteTrend s = site_with({0, 5e4, 1e5, 1e5, 1e5, 1e5, 1e5}, {0, 50, 100, 100, 100, 100, 100}, 1.0);
  Judgement j = judge_site(s, true);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_NE(j.reason.find("flat"), std::string::npos) << j.reason;
}

TEST(Suspect, TemporaryPeakIsNotALeak) {
  SiteTrend s = site_with({1e3, 9e5, 2e3, 8e5, 3e3}, {1, 900, 2, 800, 3}, 0.0);
  Judgement j = judge_site(s, true);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_NE(j.reason.find("temporary"), std::string::npos) << j.reason;
}

TEST(Suspect, RecycledBlocksAreNotALeak) {
  SiteTrend s = site_with({1e4, 1.1e4, 1.2e4, 1.3e4, 1.4e4}, {100, 110, 120, 130, 140}, 0.1);
  Judgement j = judge_site(s, true);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_NE(j.reason.find("recycled"), std::string::npos) << j.reason;
}

TEST(Suspect, OneTimeAllocationIsNotALeak) {
  SiteTrend s = site_with({0, 0, 0, 0, 0, 0, 0, 0, 5e5}, {0, 0, 0, 0, 0, 0, 0, 0, 1}, -1);
  Judgement j = judge_site(s, true);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_NE(j.reason.find("only 1 of 8"), std::string::npos) << j.reason;
}

TEST(Suspect, TwoSnapshotsCannotTellALeakFromACache) {
  SiteTrend s = site_with({0, 1e6}, {0, 100}, 1.0);
  Judgement j = judge_site(s, true);
  EXPECT_FALSE(j.likely_leak);
  EXPECT_NE(j.reason.find("three or more"), std::string::npos) << j.reason;
}

TEST(Suspect, TinyGrowthIsNotCalledALeak) {
  SiteTrend s = site_with({0, 100, 200, 300, 400}, {0, 1, 2, 3, 4}, 1.0);
  EXPECT_FALSE(judge_site(s, true).likely_leak);
}

TEST(Suspect, GrowingSingleBlockIsALeakDespiteReallocation) {
  // realloc moves the block, so it never "survives"; its size is what grows.
  SiteTrend s = site_with({1e4, 2e4, 3e4, 4e4, 5e4}, {1, 1, 1, 1, 1}, 0.0);
  Judgement j = judge_site(s, true);
  EXPECT_TRUE(j.likely_leak) << j.reason;
  EXPECT_NE(j.reason.find("bigger"), std::string::npos) << j.reason;
}

TEST(Suspect, ExitFiguresJoinTheReason) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3}, {0, 1e3, 2e3, 3e3}, 1.0);
  s.exit_known = true;
  Judgement freed = judge_site(s, true);
  EXPECT_TRUE(freed.likely_leak);
  EXPECT_NE(freed.reason.find("all freed by exit"), std::string::npos) << freed.reason;
  s.exit_blocks = 3000;
  s.exit_bytes = 192000;
  EXPECT_NE(judge_site(s, true).reason.find("3000 blocks"), std::string::npos);
}

TEST(Suspect, RatesWithoutTimesArePerSnapshot) {
  SiteTrend s = site_with({0, 64e3, 128e3, 192e3}, {0, 1e3, 2e3, 3e3}, -1);
  EXPECT_NE(judge_site(s, false).reason.find("per snapshot"), std::string::npos);
}

}  // namespace
}  // namespace leakdbg::analysis
