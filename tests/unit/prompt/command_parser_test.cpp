#include "prompt/command_parser.h"

#include <gtest/gtest.h>

using namespace leakdbg::prompt;

namespace {
Command parsed(const char* text) {
  ParseResult r = parse_command(text);
  EXPECT_TRUE(r.command) << text << ": " << r.error;
  return r.command.value_or(Command{});
}
std::string error_of(const char* text) {
  ParseResult r = parse_command(text);
  EXPECT_FALSE(r.command) << text;
  EXPECT_FALSE(r.error.empty()) << text;
  EXPECT_EQ(r.error.find('\n'), std::string::npos);
  return r.error;
}
}  // namespace

TEST(ParseCommand, HeapSummary) {
  EXPECT_EQ(parsed("!heap -s").kind, CommandKind::kHeapSummary);
  EXPECT_EQ(parsed("  !HEAP   -S  ").kind, CommandKind::kHeapSummary);
}

TEST(ParseCommand, HeapStatOptions) {
  Command plain = parsed("!heap -stat");
  EXPECT_EQ(plain.kind, CommandKind::kHeapStat);
  EXPECT_TRUE(plain.heap.empty());
  EXPECT_EQ(plain.order, StatOrder::kTotalSize);
  EXPECT_EQ(plain.max_display, 20u);
  Command full = parsed("!heap -stat -h 0a3c0000 -grp B 0n5");
  EXPECT_EQ(full.heap, "0a3c0000");
  EXPECT_EQ(full.order, StatOrder::kBlockCount);
  EXPECT_EQ(full.max_display, 5u);
  EXPECT_EQ(parsed("!heap -stat -grp a 10").max_display, 16u);  // hex, as WinDbg reads it
  EXPECT_EQ(parsed("!heap -stat -grp A").order, StatOrder::kAllocationSize);
  EXPECT_EQ(parsed("!heap -stat -grp S -h main").heap, "main");
  error_of("!heap -stat -h");
  error_of("!heap -stat -grp X");
  error_of("!heap -stat -grp S 0");
  error_of("!heap -stat -x");
}

TEST(ParseCommand, FilterBySizeAndRange) {
  Command s = parsed("!heap -flt s 30");
  EXPECT_EQ(s.kind, CommandKind::kHeapFilter);
  EXPECT_EQ(s.min_size, 0x30u);
  EXPECT_EQ(s.max_size, 0x31u);
  Command d = parsed("!heap -flt s 0n48");
  EXPECT_EQ(d.min_size, 48u);
  Command r = parsed("!heap -flt r 20 0x40");
  EXPECT_EQ(r.min_size, 0x20u);
  EXPECT_EQ(r.max_size, 0x40u);
  error_of("!heap -flt r 40 20");
  error_of("!heap -flt r 40 40");
  error_of("!heap -flt s");
  error_of("!heap -flt s zz");
  error_of("!heap -flt x 30");
  error_of("!heap -flt s ffffffffffffffff");
}

TEST(ParseCommand, AddressesWithBacktick) {
  Command p = parsed("!heap -p -a 000001c2`a6a2c8f0");
  EXPECT_EQ(p.kind, CommandKind::kHeapAddress);
  EXPECT_EQ(p.address, 0x1c2a6a2c8f0u);
  Command ln = parsed("ln 6e4e52c3");
  EXPECT_EQ(ln.kind, CommandKind::kNearestSymbol);
  EXPECT_EQ(ln.address, 0x6e4e52c3u);
  error_of("!heap -p -a");
  error_of("!heap -p 1234");
  error_of("!heap -p -a 12 34");
  error_of("ln");
  error_of("ln xyz");
}

TEST(ParseCommand, AddressesReadAsOnTheCommandLine) {
  EXPECT_EQ(parsed("ln 401000").address, 0x401000u);
  EXPECT_EQ(parsed("ln 0x401000").address, 0x401000u);
  EXPECT_EQ(parsed("ln 0n4198400").address, 0x401000u);
  EXPECT_EQ(parsed("!heap -p -a 0n4198400").address, 0x401000u);
  EXPECT_NE(error_of("ln 0n1f").find("bad address"), std::string::npos);
  EXPECT_NE(error_of("!heap -p -a 0x").find("0n prefix for decimal"), std::string::npos);
}

TEST(ParseCommand, SnapHelpQuitAndNothing) {
  EXPECT_EQ(parsed(".snap").kind, CommandKind::kListSnapshots);
  Command snap = parsed(".snap 0n12");
  EXPECT_EQ(snap.kind, CommandKind::kSwitchSnapshot);
  EXPECT_EQ(snap.snapshot, 12u);
  EXPECT_EQ(parsed(".snap a").snapshot, 10u);
  EXPECT_EQ(parsed("?").kind, CommandKind::kHelp);
  EXPECT_EQ(parsed("q").kind, CommandKind::kQuit);
  EXPECT_EQ(parsed("").kind, CommandKind::kNothing);
  EXPECT_EQ(parsed("   \t ").kind, CommandKind::kNothing);
  error_of("q now");
  error_of(".snap 1 2");
}

TEST(ParseCommand, UnknownCommandsSayWhatToDo) {
  EXPECT_NE(error_of("dt foo").find("? for help"), std::string::npos);
  EXPECT_NE(error_of("!heap -v").find("not supported"), std::string::npos);
  EXPECT_NE(error_of("!heap").find("-stat"), std::string::npos);
  std::string control = error_of("\x01\x02\x7f");
  for (char c : control) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
}

TEST(ParseCommand, LeakListAndReferences) {
  EXPECT_EQ(parsed("!heap -l").kind, CommandKind::kHeapLeaks);
  Command x = parsed("!heap -x 7f3a1c2051a0");
  EXPECT_EQ(x.kind, CommandKind::kHeapReferences);
  EXPECT_EQ(x.address, 0x7f3a1c2051a0u);
  error_of("!heap -l 10");
  error_of("!heap -x");
  error_of("!heap -x zz");
}

TEST(SplitCommandList, SemicolonsAndBlanks) {
  auto commands = split_command_list(" !heap -s ;; !heap -stat -h main ;  q ");
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0], "!heap -s");
  EXPECT_EQ(commands[1], "!heap -stat -h main");
  EXPECT_EQ(commands[2], "q");
  EXPECT_TRUE(split_command_list("").empty());
  EXPECT_TRUE(split_command_list(" ; ;").empty());
}
