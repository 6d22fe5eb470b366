// Whole command lines on heap states imported from saved WinDbg and UMDH text: the answers
// must match what the text said (an imported `!heap -stat` answers `!heap -stat`).
#include "prompt/session.h"

#include <gtest/gtest.h>

#include <sstream>

using leakdbg::prompt::Session;

namespace {

struct Output {
  std::string out, err;
  bool keep_going = true;
};

Output run(Session& session, const std::string& line) {
  std::ostringstream out, err;
  Output o;
  o.keep_going = session.run_line(line, out, err);
  o.out = out.str();
  o.err = err.str();
  return o;
}

Session open_data(std::vector<std::string> names) {
  for (auto& name : names) name = std::string(LEAKDBG_WINDOWS_DATA) + "/" + name;
  leakdbg::SymbolizerOptions options;
  options.warn = false;
  return Session::open(names, options);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST(PromptSession, ImportedHeapStatAnswersHeapStat) {
  Session session = open_data({"heap-stat.txt"});
  Output o = run(session, "!heap -stat -h 0a3c0000");
  EXPECT_TRUE(o.err.empty()) << o.err;
  EXPECT_TRUE(has(o.out, " heap @ 0a3c0000\n")) << o.out;
  EXPECT_TRUE(has(o.out, "group-by: TOTSIZE max-display: 20\n")) << o.out;
  EXPECT_TRUE(has(o.out, "    30 c41a - 24c4e0  (")) << o.out;
  EXPECT_TRUE(has(o.out, "    4f2a8 2 - 9e550  (")) << o.out;
  // Sorted by total: 0x30 first, 0x60 last.
  EXPECT_LT(o.out.find("    30 c41a"), o.out.find("    60 b71"));
  Output by_count = run(session, "!heap -stat -h 0a3c0000 -grp B 2");
  EXPECT_TRUE(has(by_count.out, "group-by: BLOCKCOUNT max-display: 2\n")) << by_count.out;
  EXPECT_LT(by_count.out.find("    30 c41a"), by_count.out.find("    20 5d13"));
  EXPECT_FALSE(has(by_count.out, "    40 4a9c -")) << by_count.out;
  Output by_size = run(session, "!heap -stat -grp A 1");
  EXPECT_TRUE(has(by_size.out, "    4f2a8 2 - 9e550")) << by_size.out;
}

TEST(PromptSession, ImportedSummaryKeepsWindbgColumns) {
  Session session = open_data({"heap-s.txt"});
  Output o = run(session, "!heap -s");
  EXPECT_TRUE(o.err.empty()) << o.err;
  EXPECT_TRUE(
      has(o.out,
          "0a3c0000 08000002    16612   13064   16548     412    297      6      0      5   LFH"))
      << o.out;
  EXPECT_TRUE(has(o.out, "1d460000 08001002     1088     144    1088     131      4      2"))
      << o.out;
}

TEST(PromptSession, SessionLogFilterAndBlockStack) {
  Session session = open_data({"session.txt"});
  Output flt = run(session, "!heap -flt s 30");
  EXPECT_TRUE(flt.err.empty()) << flt.err;
  EXPECT_TRUE(has(flt.out, "    _HEAP @ 0a3c0000\n")) << flt.out;
  EXPECT_TRUE(has(flt.out, "1b2c4580    00030 - (busy)")) << flt.out;
  EXPECT_TRUE(has(flt.out, "c417 (0n50199) more blocks known only by count")) << flt.out;
  // The HEAP_ENTRY address as WinDbg users type it finds the block just above.
  Output block = run(session, "!heap -p -a 1b2c4568");
  EXPECT_TRUE(has(block.out, "    address 1b2c4568 found in\n")) << block.out;
  EXPECT_TRUE(has(block.out, "6e4e52c3 Tally!CRuleSet::LoadRules+0xf\n")) << block.out;
  Output ln = run(session, "ln 6e4e52c3");
  EXPECT_TRUE(has(ln.out, "(6e4e52b4)   Tally!CRuleSet::LoadRules+0xf")) << ln.out;
  Output missing = run(session, "!heap -p -a 10");
  EXPECT_TRUE(has(missing.out, "not found in any heap block")) << missing.out;
}

TEST(PromptSession, UmdhDiffOpensAsTwoStatesAndSnapSwitches) {
  Session session = open_data({"umdh-diff.txt"});
  EXPECT_EQ(session.size(), 2u);
  Output list = run(session, ".snap");
  EXPECT_TRUE(has(list.out, "umdh-diff.txt (old)")) << list.out;
  EXPECT_TRUE(has(list.out, ". 0")) << list.out;
  Output old_stat = run(session, "!heap -stat -grp B 1");
  Output switched = run(session, ".snap 1; !heap -stat -grp B 1");
  EXPECT_EQ(session.current(), 1u);
  EXPECT_TRUE(has(switched.out, "current snapshot: 1")) << switched.out;
  EXPECT_TRUE(has(switched.out, "    220 d6d8 - 1c88b00"))
      << switched.out;  // 0xd6d8 blocks of 0x220 bytes
  EXPECT_FALSE(has(old_stat.out, "d6d8")) << old_stat.out;
  Output bad = run(session, ".snap 2");
  EXPECT_TRUE(has(bad.err, "no snapshot 2")) << bad.err;
  EXPECT_EQ(session.current(), 1u);
}

TEST(PromptSession, ErrorsAreOneLineAndTheNextCommandRuns) {
  Session session = open_data({"heap-stat.txt"});
  Output o = run(session, "bogus; !heap -stat -h nosuchheap; !heap -flt r 40 20; !heap -stat");
  EXPECT_TRUE(o.keep_going);
  EXPECT_TRUE(has(o.err, "leakdbg: unknown command \"bogus\"")) << o.err;
  EXPECT_TRUE(has(o.err, "leakdbg: unknown heap 'nosuchheap'")) << o.err;
  EXPECT_TRUE(has(o.err, "MIN must be below MAX")) << o.err;
  size_t lines = 0;
  for (char c : o.err) lines += c == '\n';
  EXPECT_EQ(lines, 3u);
  EXPECT_TRUE(has(o.out, "    30 c41a - 24c4e0")) << o.out;
}

TEST(PromptSession, QuitStopsTheLine) {
  Session session = open_data({"heap-s.txt"});
  Output o = run(session, "?; q; !heap -s");
  EXPECT_FALSE(o.keep_going);
  EXPECT_TRUE(has(o.out, "!heap -flt s SIZE")) << o.out;
  EXPECT_FALSE(has(o.out, "Reserv")) << o.out;
}
