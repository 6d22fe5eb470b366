#include "analysis/diff.h"

#include <gtest/gtest.h>

#include "analysis/diff_render.h"
#include "synthetic_models.h"

namespace leakdbg::analysis {
namespace {

using synth::SnapshotBuilder;

DiffOptions options_by(GroupBy by, uint64_t min_bytes = 0) {
  DiffOptions options;
  options.by = by;
  options.min_bytes = min_bytes;
  options.symbolizer.warn = false;
  return options;
}

// Moves every frame of every stack, as ASLR does in another run of the same build.
void slide(HeapModel& model, uint64_t by) {
  for (Stack& stack : model.stacks)
    for (SymbolicFrame& frame : stack.symbols) frame.address += by;
}

struct Pair {
  HeapModel base, snap;
};

Pair leak_pair() {
  SnapshotBuilder base(10, 1, 0);
  uint32_t leak = base.site("Parser::keep_copy", "parser.cpp", 42);
  uint32_t shrinking = base.site("Queue::push", "queue.cpp", 8);
  uint32_t steady = base.site("Config::load", "config.cpp", 3);
  base.blocks(leak, 10, 48, 0);
  base.blocks(shrinking, 50, 200, 0);
  base.blocks(steady, 4, 1000, 0);
  SnapshotBuilder snap(10, 2, 5);
  leak = snap.site("Parser::keep_copy", "parser.cpp", 42);
  shrinking = snap.site("Queue::push", "queue.cpp", 8);
  steady = snap.site("Config::load", "config.cpp", 3);
  uint32_t mapper = snap.site("Pages::grab", "pages.cpp", 77);
  snap.blocks(leak, 110, 48, 1);
  snap.blocks(shrinking, 5, 200, 1);
  snap.blocks(steady, 4, 1000, 0);
  snap.region(mapper, 1 << 20, 2);
  return {base.build(), snap.build()};
}

TEST(Diff, LargestGrowthFirstShrinkingLastUnchangedLeftOut) {
  Pair p = leak_pair();
  DiffReport report = diff_models(p.base, p.snap, options_by(GroupBy::kSite));
  ASSERT_EQ(report.rows.size(), 3u);
  EXPECT_EQ(report.rows[0].kind, SiteKind::kMmap);
  EXPECT_EQ(report.rows[0].growth_bytes, 1 << 20);
  EXPECT_EQ(report.rows[1].growth_blocks, 100);
  EXPECT_EQ(report.rows[1].growth_bytes, 4800);
  EXPECT_EQ(report.rows[1].old_total.blocks, 10u);
  EXPECT_EQ(report.rows[1].new_total.bytes, 110u * 48);
  EXPECT_NE(report.rows[1].label.find("Parser::keep_copy"), std::string::npos)
      << report.rows[1].label;
  EXPECT_EQ(report.rows[2].growth_bytes, -45 * 200);
  EXPECT_EQ(report.new_mmap.bytes, 1u << 20);
  EXPECT_EQ(report.old_heap.blocks, 64u);
}

TEST(Diff, SitesMatchBySymbolsAcrossRuns) {
  Pair p = leak_pair();
  slide(p.snap, 0x5550000);
  p.snap.pid = 11;
  DiffReport report = diff_models(p.base, p.snap, options_by(GroupBy::kSite));
  ASSERT_EQ(report.rows.size(), 3u);  // still matched: no row appears twice
  ASSERT_FALSE(report.warnings.empty());
  EXPECT_NE(report.warnings[0].find("different processes"), std::string::npos);
}

TEST(Diff, BySizeAndByFunction) {
  Pair p = leak_pair();
  DiffReport by_size = diff_models(p.base, p.snap, options_by(GroupBy::kSize));
  ASSERT_FALSE(by_size.rows.empty());
  EXPECT_EQ(by_size.rows[0].key.size, 1u << 20);
  EXPECT_EQ(by_size.rows[1].key.size, 48u);
  EXPECT_EQ(by_size.rows[1].growth_blocks, 100);
  DiffReport by_function = diff_models(p.base, p.snap, options_by(GroupBy::kFunction));
  ASSERT_EQ(by_function.rows.size(), 3u);
  EXPECT_NE(by_function.rows[1].label.find("Parser::keep_copy"), std::string::npos);
}

TEST(Diff, MinBytesHidesSmallChanges) {
  Pair p = leak_pair();
  DiffReport report = diff_models(p.base, p.snap, options_by(GroupBy::kSite, 5000));
  ASSERT_EQ(report.rows.size(), 2u);
  EXPECT_EQ(report.hidden_rows, 1u);
  EXPECT_EQ(report.rows[1].growth_bytes, -9000);
}

TEST(Diff, IdenticalSnapshotsHaveNoRows) {
  Pair p = leak_pair();
  DiffReport report = diff_models(p.snap, p.snap, options_by(GroupBy::kSite));
  EXPECT_TRUE(report.rows.empty());
  std::ostringstream text;
  print_diff_text(text, report);
  EXPECT_NE(text.str().find("no change"), std::string::npos);
}

TEST(Diff, JsonRowsCarryTheUmdhFigures) {
  Pair p = leak_pair();
  nlohmann::json json = diff_to_json(diff_models(p.base, p.snap, options_by(GroupBy::kSite)));
  ASSERT_EQ(json["rows"].size(), 3u);
  const auto& row = json["rows"][1];
  EXPECT_EQ(row["kind"], "heap");
  EXPECT_EQ(row["growth_bytes"], 4800);
  EXPECT_EQ(row["growth_blocks"], 100);
  EXPECT_EQ(row["old_bytes"], 480);
  EXPECT_EQ(row["new_bytes"], 5280);
  EXPECT_EQ(row["old_blocks"], 10);
  EXPECT_EQ(row["new_blocks"], 110);
  ASSERT_TRUE(row["frames"].is_array());
  EXPECT_EQ(row["frames"][1]["function"], "Parser::keep_copy");
  EXPECT_EQ(json["rows"][0]["kind"], "mmap");
}

}  // namespace
}  // namespace leakdbg::analysis
