// Lines, space-separated /proc fields and blank-separated words.
#include "util/text_split.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using leakdbg::split_words;
using leakdbg::take_field;
using leakdbg::take_line;

namespace {

std::vector<std::string> all_lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) lines.emplace_back(take_line(text));
  return lines;
}

TEST(TakeLine, LastLineNeedNotEndInANewline) {
  EXPECT_EQ(all_lines("a\nb"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(all_lines("a\nb\n"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(all_lines("\n\nc\r\n"), (std::vector<std::string>{"", "", "c\r"}));
  EXPECT_TRUE(all_lines("").empty());
}

TEST(TakeField, SpacesSeparateTabsDoNot) {
  std::string_view rest = "  Rss:   4 kB\tx ";
  EXPECT_EQ(take_field(rest), "Rss:");
  EXPECT_EQ(take_field(rest), "4");
  EXPECT_EQ(take_field(rest), "kB\tx");
  EXPECT_EQ(take_field(rest), "");
  EXPECT_TRUE(rest.empty());
}

TEST(SplitWords, AnyBlankSeparates) {
  auto words = split_words(" !heap\t-p\r\n-a  1b2c4568 \f");
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(words[0], "!heap");
  EXPECT_EQ(words[1], "-p");
  EXPECT_EQ(words[2], "-a");
  EXPECT_EQ(words[3], "1b2c4568");
  EXPECT_TRUE(split_words(" \t ").empty());
}

}  // namespace
