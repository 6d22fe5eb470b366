#include "cli/option_values.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace leakdbg::cli {
namespace {

int exit_code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.exit_code();
  }
  return 0;
}

TEST(OptionValues, CountsAreWholeDecimalsInRange) {
  EXPECT_EQ(parse_count_value("0", "--top", 0, 10), 0u);
  EXPECT_EQ(parse_count_value("10", "--top", 0, 10), 10u);
  for (const char* bad : {"-1", "11", "1.5", "0x3", "", " 3", "3 ", "99999999999999999999"})
    EXPECT_EQ(exit_code_of([&] { parse_count_value(bad, "--top", 0, 10); }), 2) << bad;
  EXPECT_EQ(exit_code_of([] { parse_count_value("0", "--count", 1, 10); }), 2);
}

TEST(OptionValues, SecondsAreFiniteAndInRange) {
  EXPECT_DOUBLE_EQ(parse_seconds_value("0.5", "--interval", 0.05, 10), 0.5);
  EXPECT_DOUBLE_EQ(parse_seconds_value("0", "--interval", 0.05, 10, true), 0);
  for (const char* bad : {"nan", "inf", "-1", "0.001", "1e400", "abc", "", "0x1p3", "11"})
    EXPECT_EQ(exit_code_of([&] { parse_seconds_value(bad, "--interval", 0.05, 10); }), 2) << bad;
  EXPECT_EQ(exit_code_of([] { parse_seconds_value("0", "--interval", 0.05, 10); }), 2);
}

TEST(OptionValues, MessageNamesTheOptionAndTheRange) {
  try {
    parse_seconds_value("-1", "--interval", 0.05, 86400, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "--interval: '-1' is out of range; give 0 (off) or 0.05 to 86400 seconds");
  }
  try {
    parse_seconds_value("abc", "--interval", 0.05, 86400, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "--interval: 'abc' is not a number; give 0 (off) or 0.05 to 86400 seconds");
  }
}

TEST(OptionValues, PidsAreDecimal) {
  EXPECT_EQ(parse_pid_value("16"), 16);
  for (const char* bad : {"0x10", "0", "-5", "", "abc", "99999999999", "4194305"})
    EXPECT_EQ(exit_code_of([&] { parse_pid_value(bad); }), 2) << bad;
}

}  // namespace
}  // namespace leakdbg::cli
