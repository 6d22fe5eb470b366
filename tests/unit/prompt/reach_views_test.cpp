// `!heap -l` on a classified snapshot: lost heap blocks and lost mmap regions, each grouped
// by allocation stack, and the totals line of each.
#include "prompt/reach_views.h"

#include <gtest/gtest.h>

#include <sstream>

#include "symbolize/symbolizer.h"

namespace leakdbg::prompt {
namespace {

HeapModel classified_model() {
  HeapModel m;
  m.caps.reachability = m.caps.region_classes = true;
  m.reachability.attempted = true;
  Stack one, two;
  one.id = 1;
  one.frames = {0x401000};
  two.id = 2;
  two.frames = {0x402000};
  m.stacks = {one, two};
  for (uint64_t address : {0x5000, 0x5040}) {
    Block b;
    b.address = address;
    b.size = 0x30;
    b.stack_id = 1;
    b.reach = ReachClass::kUnreachable;
    m.blocks.push_back(b);
  }
  Region lost;
  lost.address = 0x7f0000000000;
  lost.length = 0x3000;
  lost.stack_id = 2;
  lost.flags = kRegionAnonymous;
  lost.reach = ReachClass::kUnreachable;
  Region held = lost;
  held.address = 0x7f0000100000;
  held.reach = ReachClass::kReachable;
  m.regions = {lost, held};
  return m;
}

std::string leaks_of(const HeapModel& m) {
  SymbolizerOptions options;
  options.warn = false;
  Symbolizer symbolizer(m, options);
  std::ostringstream out;
  print_leaked_blocks(m, symbolizer, out);
  return out.str();
}

TEST(HeapLeaks, GroupsLostRegionsByStackAfterTheBlocks) {
  const std::string text = leaks_of(classified_model());
  EXPECT_NE(text.find("2 leaked blocks, 60 bytes, allocated at:"), std::string::npos) << text;
  EXPECT_NE(text.find("    blocks: 5000 5040\n"), std::string::npos) << text;
  EXPECT_NE(text.find("1 leaked mmap regions, 3000 bytes, allocated at:"), std::string::npos)
      << text;
  EXPECT_NE(text.find("    regions: 7f0000000000\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("7f0000100000"), std::string::npos) << text;  // reachable: not listed
  EXPECT_NE(text.find("2 leaked heap blocks\n1 leaked mmap regions\n"), std::string::npos) << text;
}

TEST(HeapLeaks, WithoutLostRegionsTheListingIsTheBlocksAlone) {
  HeapModel m = classified_model();
  m.regions.clear();
  const std::string text = leaks_of(m);
  EXPECT_EQ(text.find("mmap"), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("\n\n2 leaked heap blocks\n")) << text;
}

TEST(HeapReferences, ARegionShowsItsReferrersAndPath) {
  HeapModel m = classified_model();
  Region& held = m.regions[1];
  held.parent_kind = ReferrerKind::kMemory;
  held.parent_slot = 0x601000;
  held.referrer_count = 2;
  m.region_referrers = {{held.address, 0x601008, 0, ReferrerKind::kMemory}};
  std::ostringstream out;
  print_block_references(m, held.address + 0x10, out);
  const std::string text = out.str();
  EXPECT_NE(text.find("mmap region 7f0000100000 size 3000 (reachable)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("referenced by 2:\n    memory at 601000\n    memory at 601008\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("retainer path:\n    memory at 601000\n    this mmap region\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace leakdbg::prompt
