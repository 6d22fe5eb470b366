#include "report/flame_tree.h"

#include <gtest/gtest.h>

namespace leakdbg::report {
namespace {

using analysis::LiveTotal;
using analysis::SiteKind;
using analysis::SiteSeries;

SymbolicFrame frame(const std::string& function) {
  SymbolicFrame f;
  f.function = function;
  return f;
}

// frames innermost first, as the analysis gives them
SiteSeries site(std::vector<std::string> functions, LiveTotal first, LiveTotal last,
                SiteKind kind = SiteKind::kHeap) {
  SiteSeries s;
  s.kind = kind;
  for (const std::string& f : functions) s.frames.push_back(frame(f));
  s.points = {first, last};
  return s;
}

std::string name_of(const nlohmann::json& tree, const nlohmann::json& node) {
  return tree["names"][node[0].get<size_t>()];
}

TEST(FlameTree, AggregatesRootFirstWithGrowthAndChange) {
  std::vector<SiteSeries> sites = {
      site({"malloc", "leak", "main"}, {1, 100}, {10, 1000}),
      site({"malloc", "cache", "main"}, {5, 500}, {2, 200}),
      site({"mmap", "map_it", "main"}, {1, 4096}, {1, 4096}, SiteKind::kMmap)};
  nlohmann::json tree = flame_tree(sites, 0, 1);
  const auto& root = tree["root"];
  EXPECT_EQ(name_of(tree, root), "all");
  EXPECT_EQ(root[1], 1000 + 200 + 4096);  // live at the last point
  EXPECT_EQ(root[2], 900);                // what grew, not netted against what shrank
  EXPECT_EQ(root[3], 900 - 300);          // net change
  ASSERT_EQ(root[6].size(), 2u);
  const auto& mmap = root[6][0];  // widest first
  EXPECT_EQ(name_of(tree, mmap), "[mmap]");
  const auto& heap = root[6][1];
  EXPECT_EQ(name_of(tree, heap), "[heap]");
  ASSERT_EQ(heap[6].size(), 1u);
  const auto& main_node = heap[6][0];
  EXPECT_EQ(name_of(tree, main_node), "main");
  ASSERT_EQ(main_node[6].size(), 2u);
  EXPECT_EQ(name_of(tree, main_node[6][0]), "leak");
  EXPECT_EQ(main_node[6][0][4], 10);  // blocks
  EXPECT_EQ(main_node[6][0][5], 9);   // block change
  EXPECT_EQ(name_of(tree, main_node[6][0][6][0]), "malloc");
  EXPECT_EQ(name_of(tree, main_node[6][1]), "cache");
  EXPECT_EQ(main_node[6][1][3], -300);
}

TEST(FlameTree, PrunesFramesTooSmallToDraw) {
  std::vector<SiteSeries> sites = {site({"big", "main"}, {0, 0}, {1, 1'000'000})};
  for (int i = 0; i < 50; ++i)
    sites.push_back(site({"tiny_" + std::to_string(i), "main"}, {0, 0}, {1, 1}));
  FlameOptions options;
  options.min_fraction = 1.0 / 1000;
  nlohmann::json tree = flame_tree(sites, 0, 1, options);
  const auto& main_node = tree["root"][6][0][6][0];
  ASSERT_EQ(main_node[6].size(), 1u);  // only "big" is drawn; main still counts the rest
  EXPECT_EQ(main_node[1], 1'000'050);
}

}  // namespace
}  // namespace leakdbg::report
