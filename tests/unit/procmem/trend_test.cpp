#include "procmem/trend.h"

#include <gtest/gtest.h>

namespace leakdbg::procmem {
namespace {

TEST(Trend, SlopeOfALine) {
  std::vector<TrendPoint> points;
  for (int i = 0; i < 20; ++i) points.push_back({i * 0.5, 1e9 + 4096.0 * i * 0.5});
  auto slope = slope_per_second(points);
  ASSERT_TRUE(slope);
  EXPECT_NEAR(*slope, 4096.0, 1e-6);
}

TEST(Trend, SlopeOfNoisyGrowth) {
  std::vector<TrendPoint> points;
  for (int i = 0; i < 100; ++i)
    points.push_back({static_cast<double>(i), 1000.0 * i + (i % 2 ? 300 : -300)});
  EXPECT_NEAR(*slope_per_second(points), 1000.0, 10.0);
}

TEST(Trend, NoSlopeWithoutTimeSpan) {
  EXPECT_FALSE(slope_per_second({}));
  EXPECT_FALSE(slope_per_second({{1, 5}}));
  EXPECT_FALSE(slope_per_second({{1, 5}, {1, 7}}));
}

TEST(Trend, SparklineScalesToTheWindow) {
  EXPECT_EQ(sparkline({1, 2, 3, 4, 5, 6, 7, 8}, 8),
            "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
  EXPECT_EQ(sparkline({5, 5, 5}, 10), "\u2581\u2581\u2581");
  EXPECT_EQ(sparkline({100, 0, 10}, 2), "\u2581\u2588")
      << "only the last two values, scaled among themselves";
  EXPECT_EQ(sparkline({}, 5), "");
}

}  // namespace
}  // namespace leakdbg::procmem
