// Addresses as WinDbg reads them, the one rule for `block`, `ln` and the prompt.
#include <gtest/gtest.h>

#include "util/units.h"

using leakdbg::parse_address;
using leakdbg::parse_number;

TEST(ParseAddress, BareDigitsAreHex) {
  EXPECT_EQ(parse_address("10"), 0x10u);
  EXPECT_EQ(parse_address("55d0c3a0"), 0x55d0c3a0u);
  EXPECT_EQ(parse_address("DEADBEEF"), 0xdeadbeefu);
  EXPECT_EQ(parse_address("0"), 0u);
}

TEST(ParseAddress, PrefixesChooseTheBase) {
  EXPECT_EQ(parse_address("0x10"), 0x10u);
  EXPECT_EQ(parse_address("0X7f3a1c2051a0"), 0x7f3a1c2051a0u);
  EXPECT_EQ(parse_address("0n10"), 10u);
  EXPECT_EQ(parse_address("0N4198400"), 0x401000u);
  EXPECT_EQ(parse_address("401000h"), 0x401000u);
}

TEST(ParseAddress, BacktickSplitsSixtyFourBitAddresses) {
  EXPECT_EQ(parse_address("000001c2`a6a2c8f0"), 0x1c2a6a2c8f0u);
  EXPECT_EQ(parse_address("0x00007ff6`12345678"), 0x7ff612345678u);
}

TEST(ParseAddress, MalformedOrTooLargeIsRejected) {
  for (const char* bad :
       {"", "0x", "0n", "`", "h", "zz", "0xzz", "0n1f", "12 34", "-1", "+1", "0x-1", " 10", "10 ",
        "0x10h", "ffffffffffffffff0", "0n18446744073709551616"})
    EXPECT_EQ(parse_address(bad), std::nullopt) << '"' << bad << '"';
  EXPECT_EQ(parse_address("ffffffffffffffff"), UINT64_MAX);
  EXPECT_EQ(parse_address("0n18446744073709551615"), UINT64_MAX);
}

TEST(ParseNumber, DefaultBaseOnlyDecidesBareDigits) {
  EXPECT_EQ(parse_number("10", false), 10u);
  EXPECT_EQ(parse_number("10", true), 0x10u);
  for (bool hex : {false, true}) {
    EXPECT_EQ(parse_number("0x10", hex), 0x10u);
    EXPECT_EQ(parse_number("0n10", hex), 10u);
    EXPECT_EQ(parse_number("10h", hex), 0x10u);
  }
  EXPECT_EQ(parse_number("1f", false), std::nullopt);
}
