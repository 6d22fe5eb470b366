#include <gtest/gtest.h>

#include "test_data.h"

using namespace winimport_test;
using leakdbg::HeapModel;

namespace {
const leakdbg::Arena* arena_at(const HeapModel& m, uint64_t address) {
  for (const auto& a : m.arenas)
    if (a.address == address) return &a;
  return nullptr;
}
}  // namespace

TEST(WindbgHeapSummary, OneArenaPerHeapWithItsFigures) {
  auto models = import_data("heap-s.txt");
  ASSERT_EQ(models.size(), 1u);
  const HeapModel& m = models[0];
  EXPECT_EQ(m.source_kind, "windbg-heap-s");
  EXPECT_TRUE(m.caps.arenas);
  EXPECT_TRUE(m.blocks.empty());
  ASSERT_EQ(m.arenas.size(), 7u);
  const auto& first = m.arenas[0];
  EXPECT_EQ(first.address, 0x0a3c0000u);
  EXPECT_TRUE(first.is_main);
  EXPECT_EQ(first.heap_flags, 0x08000002u);
  EXPECT_EQ(first.aspace_total, 16612u * 1024);
  EXPECT_EQ(first.system_current, 13064u * 1024);
  EXPECT_EQ(first.virtual_bytes, 16548u * 1024);
  EXPECT_EQ(first.free_rest_bytes, 412u * 1024);
  EXPECT_EQ(first.free_rest_count, 297u);
  EXPECT_EQ(first.uncommitted_ranges, 6u);
  EXPECT_EQ(first.virtual_blocks, 0u);
  EXPECT_EQ(first.lock_contention, 5u);
  EXPECT_EQ(first.front_end, "LFH");
  const auto* third = arena_at(m, 0x0c150000);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->virtual_blocks, 2u);
  EXPECT_EQ(third->lock_contention, 0x1bu);  // the Lock column is hex
  const auto* no_lfh = arena_at(m, 0x1d460000);
  ASSERT_TRUE(no_lfh);
  EXPECT_EQ(no_lfh->front_end, "");
}

TEST(WindbgHeapSummary, SixtyFourBitHandlesAndBanner) {
  auto m = import_data("heap-s-x64.txt").at(0);
  ASSERT_EQ(m.arenas.size(), 2u);
  EXPECT_EQ(m.arenas[0].address, 0x1c2a6a00000u);
  EXPECT_EQ(m.arenas[0].system_current, 12464u * 1024);
  EXPECT_EQ(m.arenas[1].heap_flags, 0x8000u);
}

TEST(WindbgHeapStat, SizeGroupsBecomeBlocksThatSumExactly) {
  auto m = import_data("heap-stat.txt").at(0);
  EXPECT_EQ(m.source_kind, "windbg-heap-stat");
  EXPECT_FALSE(m.caps.arenas);
  EXPECT_FALSE(m.caps.block_addresses);
  ASSERT_EQ(m.arenas.size(), 1u);
  EXPECT_EQ(m.arenas[0].address, 0x0a3c0000u);
  EXPECT_EQ(m.blocks.size(), 0xc41au + 0x4a9c + 2 + 0x5d13 + 0xb71);
  EXPECT_EQ(total_bytes(m), 0x24c4e0u + 0x12a700 + 0x9e550 + 0xba260 + 0x44a60);
  EXPECT_EQ(count_blocks(m, 0x30), 0xc41au);
  EXPECT_EQ(count_blocks(m, 0x4f2a8), 2u);
  size_t in_heap = 0;
  for (const auto& b : m.blocks) in_heap += b.arena == 0;
  EXPECT_EQ(in_heap, m.blocks.size());
}

TEST(WindbgHeapFilter, BusyEntriesWithAddressesAndUsableSize) {
  auto m = import_data("heap-flt.txt").at(0);
  EXPECT_EQ(m.source_kind, "windbg-heap-blocks");
  EXPECT_TRUE(m.caps.block_addresses);
  ASSERT_EQ(m.blocks.size(), 7u);               // the free entry is not a live block
  EXPECT_EQ(m.blocks[0].address, 0x0c161248u);  // sorted by address across heaps
  EXPECT_EQ(m.blocks[2].address, 0x1b2c4580u);
  EXPECT_EQ(m.blocks[6].address, 0x1b2c46a0u);
  EXPECT_EQ(m.blocks[0].arena, 1);
  for (const auto& b : m.blocks) {
    EXPECT_EQ(b.size, 0x30u);
    EXPECT_EQ(b.usable, 64u);  // 9 units of 8 bytes less the entry header
    EXPECT_EQ(b.stack_id, 0u);
  }
  ASSERT_EQ(m.arenas.size(), 2u);
  EXPECT_EQ(m.arenas[0].address, 0xa3c0000u);
  EXPECT_EQ(m.arenas[1].address, 0xc150000u);
}

TEST(WindbgHeapPage, BlockWithItsAllocationStack) {
  auto m = import_data("heap-p-a.txt").at(0);
  ASSERT_EQ(m.blocks.size(), 1u);
  const auto& b = m.blocks[0];
  EXPECT_EQ(b.address, 0x1b2c4580u);
  ASSERT_NE(b.stack_id, 0u);
  const auto* stack = m.find_stack(b.stack_id);
  ASSERT_TRUE(stack);
  ASSERT_EQ(stack->symbols.size(), 8u);
  EXPECT_EQ(stack->symbols[0].module, "ntdll");
  EXPECT_EQ(stack->symbols[0].function, "RtlpCallInterceptRoutine");
  EXPECT_EQ(stack->symbols[0].offset, 0x28u);
  EXPECT_EQ(stack->symbols[0].address, 0x77a4c2d8u);
  EXPECT_EQ(stack->symbols[6].function, "CRuleSet::LoadRules");
  EXPECT_EQ(stack->symbols[7].function, "CRuleSet::Parse");
  EXPECT_EQ(stack->symbols[7].offset, 0xc4u);
  EXPECT_EQ(stack->frames.size(), stack->symbols.size());
  EXPECT_FALSE(m.caps.stacks_are_addresses);
}

TEST(WindbgHeapPage, SixtyFourBitWithBacktickAndSourceLine) {
  auto m = import_data("heap-p-a-x64.txt").at(0);
  ASSERT_EQ(m.blocks.size(), 1u);
  EXPECT_EQ(m.blocks[0].address, 0x1c2a6a2c8f0u);
  EXPECT_EQ(m.blocks[0].usable, 64u);  // 5 units of 16 bytes less the header
  const auto* stack = m.find_stack(m.blocks[0].stack_id);
  ASSERT_TRUE(stack);
  ASSERT_EQ(stack->symbols.size(), 4u);
  EXPECT_EQ(stack->symbols[2].function, "Cache::Insert");
  EXPECT_EQ(stack->symbols[2].file, "c:\\src\\server\\cache.cpp");
  EXPECT_EQ(stack->symbols[2].line, 88u);
}

TEST(WindbgSession, AllCommandsOfOneDumpMakeOneModel) {
  auto models = import_data("session.txt");
  ASSERT_EQ(models.size(), 1u);
  const HeapModel& m = models[0];
  EXPECT_EQ(m.source_kind, "windbg-session");
  EXPECT_TRUE(m.caps.arenas);
  EXPECT_FALSE(m.caps.block_addresses);
  ASSERT_EQ(m.arenas.size(), 3u);
  EXPECT_EQ(m.arenas[0].system_current, 13064u * 1024);  // the figure the text gives
  // The listed blocks stand in for three of the 0xc41a histogram blocks: no double count.
  EXPECT_EQ(count_blocks(m, 0x30), 0xc41au);
  EXPECT_EQ(total_bytes(m), 0x24c4e0u + 0x12a700 + 0x9e550 + 0xba260 + 0x44a60);
  const auto* listed = m.find_block_containing(0x1b2c4580);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->address, 0x1b2c4580u);
  const auto* stack = m.find_stack(listed->stack_id);
  ASSERT_TRUE(stack);
  EXPECT_EQ(stack->symbols.back().function, "CRuleSet::Parse");
  size_t with_address = 0;
  for (const auto& b : m.blocks) with_address += b.address != 0;
  EXPECT_EQ(with_address, 3u);
}
