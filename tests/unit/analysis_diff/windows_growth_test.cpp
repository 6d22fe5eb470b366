// analyze and diff over saved Windows text (tests/data/windows): heaps judged by their
// committed bytes across `!heap -s` dumps, and a UMDH comparison's two states.
#include <gtest/gtest.h>

#include <sstream>

#include "analysis/analyze.h"
#include "analysis/analyze_render.h"
#include "analysis/diff.h"
#include "analysis/diff_render.h"
#include "analysis/size_stat.h"
#include "input/analyze_inputs.h"
#include "input/load.h"

namespace leakdbg::analysis {
namespace {

const std::string kData = LEAKDBG_WINDOWS_DATA;

std::string dump(int n) { return kData + "/growth/dump" + std::to_string(n) + ".txt"; }

const HeapSuspect* heap_suspect(const AnalyzeReport& report, const std::string& heap) {
  for (const HeapSuspect& s : report.heap_suspects)
    if (s.heap.heap == heap) return &s;
  return nullptr;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(WindowsGrowth, HeapWhoseCommitGrowsAcrossThreeDumpsIsALikelyLeakNamedByItsHandle) {
  AnalyzeReport report = input::analyze_paths({dump(1), dump(2), dump(3)}, {});
  EXPECT_EQ(report.verdict, VerdictKind::kLeak);
  EXPECT_EQ(report.likely_leaks, 1u);
  const HeapSuspect* growing = heap_suspect(report, "00c40000");
  ASSERT_TRUE(growing);
  EXPECT_EQ(growing->rank, 1u);
  EXPECT_TRUE(growing->judgement.likely_leak);
  EXPECT_EQ(growing->judgement.reason, ReasonCode::kCommitGrowing);
  EXPECT_EQ(growing->heap.committed.first, 2048.0 * 1024);
  EXPECT_EQ(growing->heap.committed.last, 8192.0 * 1024);
  EXPECT_EQ(growing->heap.committed.points, 3u);
  EXPECT_EQ(growing->heap.reserved_last, 16384u * 1024);
  // Grew, then gave its memory back: listed, but not a leak.
  const HeapSuspect* gave_back = heap_suspect(report, "00e10000");
  ASSERT_TRUE(gave_back);
  EXPECT_FALSE(gave_back->judgement.likely_leak);
  EXPECT_EQ(gave_back->judgement.verdict_class, VerdictClass::kTemporary);
  EXPECT_FALSE(heap_suspect(report, "01a20000"));  // flat
  EXPECT_TRUE(report.suspects.empty());            // the dumps list no blocks

  std::ostringstream text;
  print_analyze_text(text, report);
  EXPECT_TRUE(has(text.str(),
                  "LEAK: 1 likely leak; the largest, heap 00c40000 committed 2.0 MiB "
                  "-> 8.0 MiB"))
      << text.str();
  EXPECT_FALSE(has(text.str(), "main arena")) << text.str();
  nlohmann::json json = analyze_to_json(report);
  EXPECT_EQ(json["heap_suspects"][0]["heap"], "00c40000");
  EXPECT_EQ(json["heap_suspects"][0]["kind"], "heap_commit");
  EXPECT_EQ(json["heap_suspects"][0]["reason_code"], "commit_growing");
  EXPECT_EQ(json["heap_suspects"][1]["reason_code"], "peaked_then_fell");
  EXPECT_EQ(json["verdict"]["verdict_class"], "leak");
}

TEST(WindowsGrowth, TwoDumpsShowGrowthWithTheTwoStatesCaveat) {
  AnalyzeReport report = input::analyze_paths({dump(1), dump(2)}, {});
  EXPECT_EQ(report.verdict, VerdictKind::kTwoStateGrowth);
  EXPECT_EQ(report.likely_leaks, 0u);
  const HeapSuspect* growing = heap_suspect(report, "00c40000");
  ASSERT_TRUE(growing);
  EXPECT_EQ(growing->judgement.verdict_class, VerdictClass::kTwoStateGrowth);
  EXPECT_EQ(growing->judgement.reason, ReasonCode::kTwoSnapshots);
  std::string verdict = verdict_text(report);
  EXPECT_TRUE(has(verdict, "two states: growth of 3.0 MiB; a third dump tells a leak from a cache"))
      << verdict;
  EXPECT_FALSE(has(verdict, "not a leak")) << verdict;
}

TEST(WindowsGrowth, DiffOfTwoDumpsShowsEachHeapsCommitChange) {
  std::vector<HeapModel> base = load_models(dump(1)), snap = load_models(dump(3));
  DiffReport report = diff_models(base.at(0), snap.at(0), {});
  ASSERT_EQ(report.heaps.size(), 3u);
  EXPECT_EQ(report.heaps[0].heap, "00c40000");
  EXPECT_EQ(report.heaps[0].commit_growth(), 6144 * 1024);
  EXPECT_EQ(report.heaps[1].heap, "00e10000");
  EXPECT_EQ(report.heaps[1].reserve_growth(), 1024 * 1024);
  std::ostringstream text;
  print_diff_text(text, report);
  EXPECT_FALSE(has(text.str(), "no change")) << text.str();
  EXPECT_TRUE(has(text.str(), "+6.0 MiB")) << text.str();
  EXPECT_TRUE(has(text.str(), "a third dump tells a leak from a cache")) << text.str();
  std::ostringstream hex;
  print_diff_text(hex, report, NumberStyle{true});
  EXPECT_TRUE(has(hex.str(), "+600000")) << hex.str();
  nlohmann::json json = diff_to_json(report);
  EXPECT_EQ(json["heaps"][0]["commit_growth"], 6144 * 1024);
  EXPECT_EQ(json["note_codes"][0], "two_states");
}

TEST(WindowsGrowth, UmdhComparisonGrowthIsASuspectNamedByTheProgramsFunction) {
  AnalyzeReport report = input::analyze_paths({kData + "/umdh-diff.txt"}, {});
  EXPECT_EQ(report.verdict, VerdictKind::kTwoStateGrowth);
  ASSERT_FALSE(report.suspects.empty());
  const Suspect& top = report.suspects.front();
  EXPECT_EQ(top.judgement.verdict_class, VerdictClass::kTwoStateGrowth);
  EXPECT_EQ(verdict_text(report),
            "SUSPECT: two states: growth of 28.5 MiB in 55,000 blocks from QueueOrder; a third "
            "log tells a leak from a cache");
  std::ostringstream text;
  print_analyze_text(text, report);
  EXPECT_FALSE(has(text.str(), "not a leak")) << text.str();
  nlohmann::json json = analyze_to_json(report);
  EXPECT_EQ(json["suspects"][0]["site"]["function"], "QueueOrder");
  EXPECT_EQ(json["suspects"][0]["verdict_class"], "two_state_growth");
  EXPECT_EQ(json["suspects"][0]["reason_code"], "two_snapshots");
}

TEST(WindowsGrowth, UmdhComparisonByFunctionAndModuleNamesTheProgramNotNtdll) {
  std::vector<HeapModel> states = load_models(kData + "/umdh-diff.txt");
  DiffOptions options;
  options.by = GroupBy::kModule;
  DiffReport by_module = diff_models(states.at(0), states.at(1), options);
  ASSERT_FALSE(by_module.rows.empty());
  EXPECT_EQ(by_module.rows[0].label, "OrderSvc");
  options.by = GroupBy::kFunction;
  DiffReport by_function = diff_models(states.at(0), states.at(1), options);
  ASSERT_FALSE(by_function.rows.empty());
  EXPECT_EQ(by_function.rows[0].label, "OrderSvc!QueueOrder");
}

TEST(WindowsGrowth, UmdhComparisonWithoutCountLinesStatesNoBlockFigures) {
  AnalyzeReport report = input::analyze_paths({kData + "/umdh-diff-v1.txt"}, {});
  EXPECT_FALSE(report.block_counts_known);
  EXPECT_EQ(verdict_text(report),
            "SUSPECT: two states: growth of 19.7 KiB from AppendEntry; a third log tells a leak "
            "from a cache");
  nlohmann::json json = analyze_to_json(report);
  EXPECT_TRUE(json["suspects"][0]["growth_blocks"].is_null());
  EXPECT_FALSE(has(json["suspects"][0]["reason"].get<std::string>(), "block"));

  std::vector<HeapModel> states = load_models(kData + "/umdh-diff-v1.txt");
  DiffReport diff = diff_models(states.at(0), states.at(1), {});
  EXPECT_FALSE(diff.block_counts_known);
  EXPECT_TRUE(diff_to_json(diff)["rows"][0]["growth_blocks"].is_null());
}

TEST(WindowsGrowth, CutOffHeapStatKeepsWindbgsPercentagesAndTotal) {
  HeapModel model = load_model(kData + "/heap-stat.txt");
  StatResult stat = compute_stat(model, nullptr, {});
  // The five groups shown are 0x513df0 bytes; WinDbg's percentages say the heap holds more.
  EXPECT_EQ(stat.busy_bytes, 0x513df0u);
  EXPECT_NEAR(static_cast<double>(stat.stated_busy_bytes), 7.6e6, 7.6e6 * 0.001);
  ASSERT_FALSE(stat.groups.empty());
  EXPECT_EQ(stat.groups[0].size, 0x30u);
  EXPECT_NEAR(stat.groups[0].percent, 31.71, 0.01);
}

}  // namespace
}  // namespace leakdbg::analysis
