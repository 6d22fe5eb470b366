#include "winimport/sections.h"

#include <gtest/gtest.h>

#include "test_data.h"
#include "winimport/import.h"

using namespace leakdbg::winimport;

TEST(PromptCommand, DebuggerPrompts) {
  EXPECT_EQ(prompt_command("0:000> !heap -s"), "!heap -s");
  EXPECT_EQ(prompt_command("0:000:x86> !heap -stat -h 0a3c0000 "), "!heap -stat -h 0a3c0000");
  EXPECT_EQ(prompt_command("1: kd> !heap -p -a 1234"), "!heap -p -a 1234");
  EXPECT_FALSE(prompt_command("    40 8c21 - 230840  (27.46)"));
  EXPECT_FALSE(prompt_command("a:b> x"));
  EXPECT_FALSE(prompt_command("> x"));
}

TEST(KindOfCommand, HeapCommands) {
  EXPECT_EQ(kind_of_command("!heap -s"), TextKind::kHeapSummary);
  EXPECT_EQ(kind_of_command("!heap -stat -h 0a3c0000"), TextKind::kHeapStat);
  EXPECT_EQ(kind_of_command("!heap -flt s 30"), TextKind::kHeapBlocks);
  EXPECT_EQ(kind_of_command("!heap -p -a 1b2c4568"), TextKind::kHeapBlocks);
  EXPECT_EQ(kind_of_command("ln 6e4e52c3"), TextKind::kOther);
  EXPECT_EQ(kind_of_command("!heap -l"), TextKind::kOther);
}

TEST(SplitSections, SessionLogCutAtPrompts) {
  // The lines are views into the text, so the text must outlive them.
  const std::string text = winimport_test::read_data("session.txt");
  auto lines = split_lines(text);
  auto sections = split_sections(lines);
  std::vector<TextKind> kinds;
  for (const auto& s : sections) kinds.push_back(s.kind);
  std::vector<TextKind> expected{TextKind::kOther,      TextKind::kHeapSummary, TextKind::kHeapStat,
                                 TextKind::kHeapBlocks, TextKind::kHeapBlocks,  TextKind::kOther};
  EXPECT_EQ(kinds, expected);
  for (const auto& s : sections)
    for (const auto& line : s.lines) EXPECT_FALSE(line.text.starts_with("##")) << line.text;
}

TEST(LooksLikeWindowsText, EverySampleAndNothingElse) {
  for (const char* name :
       {"heap-s.txt", "heap-s-x64.txt", "heap-stat.txt", "heap-flt.txt", "heap-p-a.txt",
        "heap-p-a-x64.txt", "session.txt", "umdh-diff.txt", "umdh-diff-v1.txt", "umdh-log.txt"})
    EXPECT_TRUE(looks_like_windows_text(winimport_test::read_data(name))) << name;
  EXPECT_FALSE(looks_like_windows_text(""));
  EXPECT_FALSE(looks_like_windows_text("hello\nworld\n"));
  EXPECT_FALSE(looks_like_windows_text("LDSNAP\r\n\x01\x02"));
  EXPECT_FALSE(looks_like_windows_text("int main() { return 0; }\n"));
}
