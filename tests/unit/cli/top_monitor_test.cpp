#include "cli/top_monitor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "util/error.h"

namespace leakdbg::cli::top {
namespace {

std::deque<Sample> two_samples() { return {{0, 1000, 2000, 3000}, {60, 61000, 2000, 3000}}; }

TEST(TopMonitor, RateIsPerMinute) {
  auto rate = rate_per_minute(two_samples(), &Sample::private_bytes);
  ASSERT_TRUE(rate);
  EXPECT_NEAR(*rate, 60000, 1);
  EXPECT_FALSE(rate_per_minute({{0, 1, 1, 1}}, &Sample::private_bytes));
}

TEST(TopMonitor, ScreenEscapesTheProcessName) {
  View view{42, "evil\033]0;title\a", 1, true};
  TrackedFigures t{30, 4096, 7, 8192};
  std::string screen = render_screen(view, two_samples(), {t}, "");
  EXPECT_EQ(screen.rfind("\033[H\033[J", 0), 0u);  // our own clear-screen escape only
  EXPECT_EQ(screen.find('\033', 4), std::string::npos);
  EXPECT_EQ(screen.find('\a'), std::string::npos);
  EXPECT_NE(screen.find("evil\\x1b]0;title\\x07"), std::string::npos) << screen;
  EXPECT_NE(screen.find("Live blocks"), std::string::npos);
}

TEST(TopMonitor, LineNamesHeapFiguresWhenTracked) {
  std::string line = render_line(two_samples(), {{30, 4096, 7, 8192}});
  EXPECT_NE(line.find("in 7 blocks"), std::string::npos) << line;
  EXPECT_EQ(render_line(two_samples(), {}).find("heap"), std::string::npos);
}

TEST(TopMonitor, CsvOnAFullDiskFailsWithOneLine) {
  try {
    CsvOut csv("/dev/full");
    csv.row(two_samples().back(), 1.0, nullptr);
    FAIL() << "a row written to /dev/full was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/dev/full: cannot write"), std::string::npos);
  }
}

TEST(TopMonitor, PollerKeepsFiguresAndTheFirstFailure) {
  std::atomic<int> calls{0};
  {
    TrackerPoller poller(
        [&]() -> TrackedFigures {
          if (calls++ == 0) return {0, 10, 1, 0};
          throw Error("tracker gone");
        },
        0.01, Clock::now());
    while (poller.failure().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(poller.failure(), "tracker gone");
    ASSERT_EQ(poller.figures().size(), 1u);
    EXPECT_EQ(poller.figures()[0].heap_bytes, 10u);
  }
  EXPECT_EQ(calls.load(), 2);  // no request after the failure
}

}  // namespace
}  // namespace leakdbg::cli::top
