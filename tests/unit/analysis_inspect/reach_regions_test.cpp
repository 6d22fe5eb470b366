// Classified mmap regions in the analysis: class totals apart from the blocks', and retainer
// paths that go through a region (a block held by a region a global holds).
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace leakdbg
