#include "analysis/trend.h"

#include <gtest/gtest.h>

#include <vector>

namespace leakdbg::analysis {
namespace {

std::vector<double> seconds(size_t n) {
  std::vector<double> t;
  for (size_t i = 0; i < n; ++i) t.push_back(static_cast<double>(i));
  return t;
}

TEST(Trend, SlopeOfALineIsItsRate) {
  std::vector<double> t = {0, 1, 2, 3}, v = {10, 30, 50, 70};
  EXPECT_DOUBLE_EQ(least_squares_slope(t, v), 20.0);
}

TEST(Trend, SlopeNeedsTwoDistinctTimes) {
  std::vector<double> one = {5}, same_t = {2, 2}, v = {1, 9};
  EXPECT_EQ(least_squares_slope(one, one), 0.0);
  EXPECT_EQ(least_squares_slope(same_t, v), 0.0);
}

TEST(Trend, SteadyGrowthStillGrowsAtTheEnd) {
  auto t = seconds(10);
  std::vector<double> v;
  for (double x : t) v.push_back(1000 * x);
  SeriesTrend trend = trend_of(t, v);
  EXPECT_EQ(trend.intervals, 9u);
  EXPECT_EQ(trend.intervals_grew, 9u);
  EXPECT_DOUBLE_EQ(trend.growth, 9000);
  EXPECT_NEAR(trend.slope_per_s, 1000, 1e-9);
  EXPECT_TRUE(trend.still_growing);
  EXPECT_GT(trend.late_growth, 0);
}

TEST(Trend, PlateauIsNotStillGrowing) {
  auto t = seconds(10);
  std::vector<double> v = {0, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000, 1000};
  SeriesTrend trend = trend_of(t, v);
  EXPECT_FALSE(trend.still_growing);
  EXPECT_EQ(trend.late_growth, 0);
  EXPECT_EQ(trend.intervals_grew, 3u);
}

TEST(Trend, SpikesCountBothWays) {
  auto t = seconds(7);
  std::vector<double> v = {0, 500, 0, 500, 0, 500, 0};
  SeriesTrend trend = trend_of(t, v);
  EXPECT_EQ(trend.intervals_grew, 3u);
  EXPECT_EQ(trend.intervals_shrank, 3u);
  EXPECT_EQ(trend.peak, 500);
  EXPECT_EQ(trend.growth, 0);
  EXPECT_FALSE(trend.still_growing);
}

TEST(Trend, WithoutTimesLateGrowthIsJudgedPerStep) {
  std::vector<double> t(6, 0.0), v = {0, 10, 20, 30, 40, 50};
  SeriesTrend trend = trend_of(t, v);
  EXPECT_TRUE(trend.still_growing);
  EXPECT_EQ(trend.slope_per_s, 0);
}

TEST(Trend, EmptyAndSinglePointSeries) {
  std::vector<double> none, one = {7};
  EXPECT_EQ(trend_of(none, none).points, 0u);
  SeriesTrend single = trend_of(one, one);
  EXPECT_EQ(single.points, 1u);
  EXPECT_EQ(single.last, 7);
  EXPECT_FALSE(single.still_growing);
}

}  // namespace
}  // namespace leakdbg::analysis
