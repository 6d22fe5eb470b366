#include "analysis/size_stat.h"

#include <gtest/gtest.h>

#include "inspect_models.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"

namespace {

using namespace inspect_test;
using leakdbg::GroupBy;
using leakdbg::StatOptions;
using leakdbg::StatResult;

// 5 x 48 (240 B), 2 x 512 (1024 B), 1 x 100 (100 B) in main; 3 x 48 in arena1.
HeapModel histogram_model() {
  HeapModel model = glibc_model();
  uint32_t parse = add_stack(
      model, {operator_new_frame(), frame("libplugin.so", "read_defaults", "config.cpp", 42)});
  uint32_t load =
      add_stack(model, {operator_new_frame(), frame("app", "load_images", "images.cpp", 10)});
  uint64_t address = 0x10000;
  for (int i = 0; i < 5; ++i)
    add_block(model, {.address = address += 0x100, .size = 48, .stack = parse});
  for (int i = 0; i < 2; ++i)
    add_block(model, {.address = address += 0x1000, .size = 512, .stack = load});
  add_block(model, {.address = address += 0x1000, .size = 100, .stack = load});
  for (int i = 0; i < 3; ++i)
    add_block(model, {.address = address += 0x100, .size = 48, .stack = parse, .arena = 1});
  finish(model);
  return model;
}

TEST(Stat, BySizeSortsByTotalWithPercentOfBusyBytes) {
  HeapModel model = histogram_model();
  StatResult result = leakdbg::compute_stat(model, nullptr, StatOptions{});
  EXPECT_EQ(result.busy_bytes, 8u * 48 + 1024 + 100);
  EXPECT_EQ(result.busy_blocks, 11u);
  ASSERT_EQ(result.groups.size(), 3u);
  EXPECT_EQ(result.groups[0].size, 512u);
  EXPECT_EQ(result.groups[0].blocks, 2u);
  EXPECT_EQ(result.groups[0].total, 1024u);
  EXPECT_NEAR(result.groups[0].percent, 100.0 * 1024 / 1508, 1e-9);
  EXPECT_EQ(result.groups[1].size, 48u);
  EXPECT_EQ(result.groups[1].blocks, 8u);
  EXPECT_EQ(result.groups[2].size, 100u);
  EXPECT_FALSE(result.has_base);
}

TEST(Stat, TopCutsRowsButCountsAllGroups) {
  HeapModel model = histogram_model();
  StatOptions options;
  options.top = 1;
  StatResult result = leakdbg::compute_stat(model, nullptr, options);
  EXPECT_EQ(result.group_count, 3u);
  ASSERT_EQ(result.groups.size(), 1u);
  EXPECT_EQ(result.groups[0].size, 512u);
  options.top = 0;
  EXPECT_EQ(leakdbg::compute_stat(model, nullptr, options).groups.size(), 3u);
}

TEST(Stat, HeapSelectsOneArenaAndUnknownHeapsAreErrors) {
  HeapModel model = histogram_model();
  StatOptions options;
  options.heap = "arena1";
  StatResult result = leakdbg::compute_stat(model, nullptr, options);
  EXPECT_EQ(result.busy_blocks, 3u);
  ASSERT_EQ(result.groups.size(), 1u);
  EXPECT_EQ(result.groups[0].size, 48u);
  EXPECT_DOUBLE_EQ(result.groups[0].percent, 100.0);
  options.heap = "arena5";
  EXPECT_THROW(leakdbg::compute_stat(model, nullptr, options), leakdbg::Error);
}

TEST(Stat, MmapHeapGroupsRegions) {
  HeapModel model = histogram_model();
  for (uint64_t i = 0; i < 3; ++i) {
    leakdbg::Region region;
    region.address = 0x7f0000000000 + (i << 24);
    region.length = i == 2 ? 8192 : 65536;
    model.regions.push_back(region);
  }
  StatOptions options;
  options.heap = "mmap";
  StatResult result = leakdbg::compute_stat(model, nullptr, options);
  EXPECT_EQ(result.busy_blocks, 3u);
  ASSERT_EQ(result.groups.size(), 2u);
  EXPECT_EQ(result.groups[0].size, 65536u);
  EXPECT_EQ(result.groups[0].blocks, 2u);
}

TEST(Stat, ClassFilterCountsRegionsOfTheClass) {
  HeapModel model = histogram_model();
  model.caps.reachability = true;
  for (leakdbg::Block& block : model.blocks)
    block.reach =
        block.size == 512 ? leakdbg::ReachClass::kUnreachable : leakdbg::ReachClass::kReachable;
  for (uint64_t i = 0; i < 3; ++i) {
    leakdbg::Region region;
    region.address = 0x7f0000000000 + (i << 24);
    region.length = 8192 << i;
    region.reach = i == 1 ? leakdbg::ReachClass::kReachable : leakdbg::ReachClass::kUnreachable;
    model.regions.push_back(region);
  }
  StatOptions options;
  options.reach = leakdbg::ReachClass::kUnreachable;
  // A writer that did not classify its regions: the blocks alone.
  StatResult result = leakdbg::compute_stat(model, nullptr, options);
  EXPECT_EQ(result.busy_blocks, 2u);
  EXPECT_EQ(result.busy_bytes, 1024u);

  model.caps.region_classes = true;
  result = leakdbg::compute_stat(model, nullptr, options);
  EXPECT_EQ(result.busy_blocks, 4u);
  EXPECT_EQ(result.busy_bytes, 1024u + 8192 + 32768);
  ASSERT_EQ(result.groups.size(), 3u);
  EXPECT_EQ(result.groups[0].size, 32768u);
  // --heap keeps its meaning: the main arena's lost blocks, no regions.
  options.heap = "main";
  result = leakdbg::compute_stat(model, nullptr, options);
  EXPECT_EQ(result.busy_blocks, 2u);
}

TEST(Stat, BaseSortsByGrowthAndKeepsVanishedGroups) {
  HeapModel base = histogram_model();
  HeapModel now = histogram_model();
  // 48-byte blocks grow by 20; the 100-byte block is freed.
  now.blocks.erase(std::find_if(now.blocks.begin(), now.blocks.end(),
                                [](const Block& b) { return b.size == 100; }));
  for (uint64_t i = 0; i < 20; ++i)
    add_block(now, {.address = 0x900000 + i * 0x40, .size = 48, .stack = 1});
  finish(now);
  StatResult result = leakdbg::compute_stat(now, nullptr, StatOptions{}, &base, nullptr);
  ASSERT_TRUE(result.has_base);
  ASSERT_EQ(result.groups.size(), 3u);
  EXPECT_EQ(result.groups[0].size, 48u);
  EXPECT_EQ(result.groups[0].growth_blocks(), 20);
  EXPECT_EQ(result.groups[0].growth_bytes(), 960);
  EXPECT_EQ(result.groups[1].size, 512u);
  EXPECT_EQ(result.groups[1].growth_bytes(), 0);
  EXPECT_EQ(result.groups[2].size, 100u);
  EXPECT_EQ(result.groups[2].blocks, 0u);
  EXPECT_EQ(result.groups[2].growth_bytes(), -100);
  EXPECT_EQ(result.base_busy_bytes, 1508u);
}

TEST(Stat, BaseWithoutTheSelectedHeapCountsItAsEmpty) {
  HeapModel base = glibc_model();
  base.arenas.pop_back();  // arena1 did not exist yet
  add_block(base, {.address = 0x1000, .size = 48});
  HeapModel now = histogram_model();
  StatOptions options;
  options.heap = "arena1";
  StatResult result = leakdbg::compute_stat(now, nullptr, options, &base, nullptr);
  ASSERT_EQ(result.groups.size(), 1u);
  EXPECT_EQ(result.groups[0].growth_blocks(), 3);
  EXPECT_EQ(result.base_busy_blocks, 0u);
}

TEST(Stat, BySiteCarriesFramesAndSharedSizes) {
  HeapModel model = histogram_model();
  leakdbg::Symbolizer symbolizer(model);
  StatOptions options;
  options.by = GroupBy::kSite;
  StatResult result = leakdbg::compute_stat(model, &symbolizer, options);
  ASSERT_EQ(result.groups.size(), 2u);
  // load_images: 1124 bytes of mixed sizes; read_defaults: 384 bytes, all 48.
  EXPECT_FALSE(result.groups[0].size);
  EXPECT_EQ(result.groups[0].total, 1124u);
  EXPECT_NE(result.groups[0].info.label.find("load_images"), std::string::npos);
  EXPECT_EQ(result.groups[1].size, 48u);
  ASSERT_EQ(result.groups[1].info.frames.size(), 2u);
  EXPECT_EQ(result.groups[1].info.frames[1].line, 42u);
}

TEST(Stat, ByFunctionMatchesBaseAcrossAddresses) {
  HeapModel base = histogram_model();
  HeapModel now = histogram_model();
  for (auto& stack : now.stacks)
    for (auto& f : stack.symbols) f.address += 0x100000;  // another load address
  add_block(now, {.address = 0x900000, .size = 48, .stack = 1});
  finish(now);
  leakdbg::Symbolizer base_symbols(base), now_symbols(now);
  StatOptions options;
  options.by = GroupBy::kFunction;
  StatResult result = leakdbg::compute_stat(now, &now_symbols, options, &base, &base_symbols);
  ASSERT_EQ(result.groups.size(), 2u);
  EXPECT_EQ(result.groups[0].info.label, "libplugin.so!read_defaults");
  EXPECT_EQ(result.groups[0].growth_blocks(), 1);
  EXPECT_EQ(result.groups[1].growth_blocks(), 0);
}

}  // namespace
