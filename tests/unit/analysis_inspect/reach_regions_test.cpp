// Classified mmap regions in the analysis: class totals apart from the blocks', and retainer
// paths that go through a region (a block held by a region a global holds).
#include <gtest/gtest.h>

#include "analysis/block_filter.h"
#include "analysis/reach_summary.h"

namespace leakdbg {
namespace {

// global (module memory at 0x1000) -> region 0x7f0000000000 +64 -> block 0x5000;
// a lost region 0x7f0000100000 heads nothing.
HeapModel model_with_regions() {
  HeapModel m;
  m.caps.reachability = m.caps.region_classes = true;
  Block block;
  block.address = 0x5000;
  block.size = 32;
  block.reach = ReachClass::kReachable;
  block.parent_kind = ReferrerKind::kBlock;
  block.parent_slot = 0x7f0000000040;
  m.blocks = {block};
  Region held;
  held.address = 0x7f0000000000;
  held.length = 8192;
  held.flags = kRegionAnonymous;
  held.reach = ReachClass::kReachable;
  held.parent_kind = ReferrerKind::kMemory;
  held.parent_slot = 0x1000;
  held.referrer_count = 1;
  Region lost = held;
  lost.address = 0x7f0000100000;
  lost.length = 4096;
  lost.reach = ReachClass::kUnreachable;
  lost.parent_kind = ReferrerKind::kNone;
  lost.parent_slot = 0;
  lost.referrer_count = 0;
  Region file = held;
  file.address = 0x7f0000200000;
  file.flags = kRegionFile;
  file.reach = ReachClass::kUnknown;
  file.parent_kind = ReferrerKind::kNone;
  m.regions = {held, lost, file};
  return m;
}

TEST(RegionClasses, TotalsCountRegionsApartFromBlocks) {
  HeapModel m = model_with_regions();
  ReachSummary s = summarize_reachability(m);
  EXPECT_TRUE(s.regions_classified);
  EXPECT_EQ(s.reachable.blocks, 1u);
  EXPECT_EQ(s.reachable.bytes, 32u);
  EXPECT_EQ(region_totals_of(s, ReachClass::kReachable).blocks, 1u);
  EXPECT_EQ(region_totals_of(s, ReachClass::kReachable).bytes, 8192u);
  EXPECT_EQ(region_totals_of(s, ReachClass::kUnreachable).blocks, 1u);
  EXPECT_EQ(region_totals_of(s, ReachClass::kUnreachable).bytes, 4096u);
  EXPECT_EQ(region_totals_of(s, ReachClass::kPossibly).blocks, 0u);  // the file is not counted
}

TEST(RegionClasses, RetainerPathGoesThroughTheHoldingRegion) {
  HeapModel m = model_with_regions();
  std::vector<ReferrerInfo> path = retainer_path(m, m.blocks[0]);
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0].kind, ReferrerKind::kMemory);
  EXPECT_EQ(path[0].slot, 0x1000u);
  EXPECT_EQ(path[1].kind, ReferrerKind::kBlock);
  ASSERT_NE(path[1].region, nullptr);
  EXPECT_EQ(path[1].region->address, 0x7f0000000000u);
  EXPECT_EQ(path[1].offset, 64u);
  EXPECT_EQ(path[1].holder, nullptr);

  ReferrerList held = referrers_of(m, m.regions[0]);
  ASSERT_EQ(held.referrers.size(), 1u);
  EXPECT_TRUE(held.referrers[0].parent);
  EXPECT_TRUE(retainer_path(m, m.regions[1]).empty());  // lost: no chain
}

TEST(RegionClasses, ReferrersOfARegionAreItsParentThenTheRecordedOthers) {
  HeapModel m = model_with_regions();
  m.regions[0].referrer_count = 3;
  // A second global, and a word of the block (which the region itself holds).
  m.region_referrers = {{m.regions[0].address, 0x1010, 0, ReferrerKind::kMemory},
                        {m.regions[0].address, 0x5008, 0, ReferrerKind::kBlock},
                        {m.regions[1].address, 0x1020, 0, ReferrerKind::kMemory}};
  ReferrerList list = referrers_of(m, m.regions[0]);
  EXPECT_EQ(list.total, 3u);
  ASSERT_EQ(list.referrers.size(), 3u);
  EXPECT_TRUE(list.referrers[0].parent);
  EXPECT_EQ(list.referrers[0].slot, 0x1000u);
  EXPECT_FALSE(list.referrers[1].parent);
  EXPECT_EQ(list.referrers[1].slot, 0x1010u);
  ASSERT_NE(list.referrers[2].holder, nullptr);
  EXPECT_EQ(list.referrers[2].holder->address, 0x5000u);
  EXPECT_EQ(list.referrers[2].offset, 8u);
  // The blocks' referrers are not the regions': a block at a region's address has none here.
  EXPECT_EQ(referrers_of(m, m.blocks[0]).referrers.size(), 1u);  // its parent only
}

BlockQuery class_query(ReachClass c) {
  BlockQuery query;
  query.reach = c;
  return query;
}

TEST(RegionClasses, ClassQueryListsRegionsOfTheClassInAddressOrder) {
  HeapModel m = model_with_regions();
  Block lost_block;
  lost_block.address = 0x7f0000200000 + 0x100000;  // above every region
  lost_block.size = 48;
  lost_block.reach = ReachClass::kUnreachable;
  m.blocks.push_back(lost_block);
  BlockListing listing = list_blocks(m, nullptr, class_query(ReachClass::kUnreachable));
  EXPECT_TRUE(listing.regions_considered);
  EXPECT_EQ(listing.total, 1u);
  EXPECT_EQ(listing.total_bytes, 48u);
  EXPECT_EQ(listing.region_total, 1u);
  EXPECT_EQ(listing.region_bytes, 4096u);
  ASSERT_EQ(listing.rows.size(), 2u);
  ASSERT_NE(listing.rows[0].region, nullptr);
  EXPECT_EQ(listing.rows[0].block, nullptr);
  EXPECT_EQ(listing.rows[0].region->address, 0x7f0000100000u);
  ASSERT_NE(listing.rows[1].block, nullptr);
  EXPECT_EQ(listing.rows[1].block->address, lost_block.address);

  // The reachable class: the held region and the block it holds; the file-backed region
  // has no class and is never listed.
  listing = list_blocks(m, nullptr, class_query(ReachClass::kReachable));
  EXPECT_EQ(listing.total, 1u);
  EXPECT_EQ(listing.region_total, 1u);
  ASSERT_EQ(listing.rows.size(), 2u);
  EXPECT_EQ(listing.rows[0].block, &m.blocks[0]);
  EXPECT_EQ(listing.rows[1].region, &m.regions[0]);
}

TEST(RegionClasses, SizeFiltersApplyToRegionLengthsAndTheLimitToAllRows) {
  HeapModel m = model_with_regions();
  BlockQuery query = BlockQuery::size_range(4096, 8192);
  query.reach = ReachClass::kReachable;
  BlockListing listing = list_blocks(m, nullptr, query);
  EXPECT_EQ(listing.region_total, 0u);  // 8192 is past the (exclusive) maximum
  EXPECT_EQ(listing.total, 0u);

  query = class_query(ReachClass::kReachable);
  query.limit = 1;
  listing = list_blocks(m, nullptr, query);
  EXPECT_EQ(listing.total, 1u);
  EXPECT_EQ(listing.region_total, 1u);
  EXPECT_EQ(listing.rows.size(), 1u);  // the block, lowest address
}

TEST(RegionClasses, RegionsAreLeftOutOfHeapQueriesAndUnclassifiedSnapshots) {
  HeapModel m = model_with_regions();
  Block lost_block;
  lost_block.address = 0x6000;
  lost_block.size = 48;
  lost_block.reach = ReachClass::kUnreachable;
  m.blocks.push_back(lost_block);
  BlockQuery query = class_query(ReachClass::kUnreachable);
  query.heap = "other";  // a heap of blocks: no regions
  BlockListing listing = list_blocks(m, nullptr, query);
  EXPECT_FALSE(listing.regions_considered);
  EXPECT_EQ(listing.region_total, 0u);
  EXPECT_EQ(listing.total, 1u);
  query.heap = "mmap";  // the anonymous regions' own: no blocks
  listing = list_blocks(m, nullptr, query);
  EXPECT_EQ(listing.total, 0u);
  EXPECT_EQ(listing.region_total, 1u);
  ASSERT_EQ(listing.rows.size(), 1u);
  EXPECT_EQ(listing.rows[0].heap, "mmap");
  m.blocks.pop_back();

  m.caps.region_classes = false;  // a snapshot of a writer that did not classify regions
  listing = list_blocks(m, nullptr, class_query(ReachClass::kUnreachable));
  EXPECT_FALSE(listing.regions_considered);
  EXPECT_TRUE(listing.rows.empty());

  // Not a class query: regions are not blocks of a size.
  m.caps.region_classes = true;
  listing = list_blocks(m, nullptr, BlockQuery::exact_size(4096));
  EXPECT_FALSE(listing.regions_considered);
  EXPECT_TRUE(listing.rows.empty());
}

}  // namespace
}  // namespace leakdbg
