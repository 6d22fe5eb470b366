// Saved WinDbg and UMDH text through the leakdbg binary: commit growth across `!heap -s`
// dumps and a UMDH comparison give suspects in diff and analyze, every command that reads
// Windows text takes --hex, and imported blocks show "-" for what the text does not give.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

const std::string kData = std::string(LEAKDBG_SOURCE_DIR) + "/tests/data/windows";

std::string dump(int n) { return kData + "/growth/dump" + std::to_string(n) + ".txt"; }

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

e2e::Result leakdbg(std::vector<std::string> args) {
  args.insert(args.begin(), e2e::leakdbg());
  return e2e::run(args);
}

TEST(WindowsText, AnalyzeOfThreeDumpsNamesTheGrowingHeap) {
  e2e::Result r = leakdbg({"analyze", dump(1), dump(2), dump(3)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "Verdict: LEAK: 1 likely leak; the largest, heap 00c40000 committed"))
      << r.out;
  e2e::Result json = leakdbg({"analyze", "--json", dump(1), dump(2), dump(3)});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json report = e2e::json_of(json);
  ASSERT_EQ(report["heap_suspects"].size(), 2u);
  EXPECT_EQ(report["heap_suspects"][0]["heap"], "00c40000");
  EXPECT_EQ(report["heap_suspects"][0]["likely_leak"], true);
  EXPECT_EQ(report["heap_suspects"][1]["heap"], "00e10000");
  EXPECT_EQ(report["heap_suspects"][1]["likely_leak"], false);
}

TEST(WindowsText, DiffOfTwoDumpsIsNotNoChange) {
  e2e::Result r = leakdbg({"diff", dump(1), dump(2)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(has(r.out, "no change")) << r.out;
  EXPECT_TRUE(has(r.out, "00c40000")) << r.out;
  EXPECT_TRUE(has(r.out, "a third dump tells a leak from a cache")) << r.out;
  nlohmann::json json = e2e::json_of(leakdbg({"diff", "--json", dump(1), dump(2)}));
  EXPECT_EQ(json["heaps"][0]["heap"], "00c40000");
  EXPECT_EQ(json["heaps"][0]["commit_growth"], 3072 * 1024);
}

TEST(WindowsText, UmdhComparisonIsASuspectNotNotALeak) {
  e2e::Result r = leakdbg({"analyze", kData + "/umdh-diff.txt"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out,
                  "Verdict: SUSPECT: two states: growth of 28.5 MiB in 55,000 blocks from "
                  "QueueOrder; a third log tells a leak from a cache"))
      << r.out;
  EXPECT_FALSE(has(r.out, "not a leak")) << r.out;
  nlohmann::json json = e2e::json_of(leakdbg({"analyze", "--json", kData + "/umdh-diff.txt"}));
  EXPECT_EQ(json["verdict"]["verdict_class"], "two_state_growth");
  EXPECT_EQ(json["suspects"][0]["site"]["function"], "QueueOrder");
}

TEST(WindowsText, EveryCommandThatReadsWindowsTextTakesHex) {
  const std::string summary = kData + "/heap-s.txt", stat = kData + "/heap-stat.txt",
                    page = kData + "/heap-p-a.txt";
  std::vector<std::vector<std::string>> commands = {
      {"summary", summary, "--hex"},
      {"stat", stat, "--hex"},
      {"blocks", stat, "--size", "30", "--hex", "--top", "2"},
      {"block", page, "1b2c4580", "--hex"},
      {"diff", dump(1), dump(2), "--hex"},
      {"analyze", dump(1), dump(2), dump(3), "--hex"},
  };
  for (const auto& command : commands) {
    e2e::Result r = leakdbg(command);
    EXPECT_EQ(r.exit_code, 0) << command[0] << ": " << r.err;
  }
  e2e::Result diff = leakdbg({"diff", "--hex", dump(1), dump(2)});
  EXPECT_TRUE(has(diff.out, "+300000")) << diff.out;  // 3 MiB of commit, as WinDbg prints it
}

TEST(WindowsText, ImportedBlockShowsDashForWhatTheTextDoesNotGive) {
  e2e::Result r = leakdbg({"block", kData + "/heap-p-a.txt", "1b2c4580"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "api -, thread -, age -")) << r.out;
  EXPECT_FALSE(has(r.out, "thread 0")) << r.out;
  EXPECT_FALSE(has(r.out, "0 ms")) << r.out;
  nlohmann::json json =
      e2e::json_of(leakdbg({"block", "--json", kData + "/heap-p-a.txt", "1b2c4580"}));
  EXPECT_TRUE(json["age_s"].is_null());
  EXPECT_TRUE(json["thread"].is_null());
  EXPECT_TRUE(json["api"].is_null());
  EXPECT_EQ(json["heap"], "0a3c0000");
}

}  // namespace
