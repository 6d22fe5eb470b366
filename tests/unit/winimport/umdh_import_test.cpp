#include <gtest/gtest.h>

#include "test_data.h"

using namespace winimport_test;
using leakdbg::HeapModel;

namespace {
uint64_t bytes_of_stack(const HeapModel& m, const std::string& function, uint64_t* count) {
  uint64_t bytes = 0;
  *count = 0;
  for (const auto& b : m.blocks) {
    const auto* s = m.find_stack(b.stack_id);
    if (!s) continue;
    for (const auto& f : s->symbols)
      if (f.function == function) {
        bytes += b.size;
        ++*count;
        break;
      }
  }
  return bytes;
}
}  // namespace

TEST(UmdhDiff, TwoStatesWithExactBytesAndCounts) {
  auto models = import_data("umdh-diff.txt");
  ASSERT_EQ(models.size(), 2u);
  const HeapModel& old_m = models[0];
  const HeapModel& new_m = models[1];
  EXPECT_EQ(old_m.label, "old");
  EXPECT_EQ(new_m.label, "new");
  EXPECT_EQ(new_m.source_kind, "umdh-diff");
  EXPECT_FALSE(new_m.caps.block_addresses);
  EXPECT_EQ(new_m.blocks.size(), 0xd6d8u + 0xc0);
  EXPECT_EQ(total_bytes(new_m), 0x1c88b00u + 0xc00);
  EXPECT_EQ(old_m.blocks.size(), 0x48u + 4);
  EXPECT_EQ(total_bytes(old_m), 0x480u + 0x1f40);
  uint64_t count = 0;
  EXPECT_EQ(bytes_of_stack(new_m, "QueueOrder", &count), 0x1c88b00u);
  EXPECT_EQ(count, 0xd6d8u);
  EXPECT_EQ(bytes_of_stack(old_m, "ReadSettings", &count), 0x1f40u);  // 8000 over 4 blocks
  EXPECT_EQ(count, 4u);
  EXPECT_EQ(bytes_of_stack(new_m, "ReadSettings", &count), 0u);
}

TEST(UmdhDiff, FramesCarrySourceLines) {
  auto new_m = import_data("umdh-diff.txt").at(1);
  bool found = false;
  for (const auto& s : new_m.stacks)
    for (const auto& f : s.symbols)
      if (f.function == "QueueOrder") {
        found = true;
        EXPECT_EQ(f.module, "OrderSvc");
        EXPECT_EQ(f.offset, 0x5bu);
        EXPECT_EQ(f.file, "d:\\build\\ordersvc\\queue.cpp");
        EXPECT_EQ(f.line, 141u);
      }
  EXPECT_TRUE(found);
}

TEST(UmdhDiff, OlderFormatWithoutCountLineInventsNoOldCount) {
  auto models = import_data("umdh-diff-v1.txt");
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(total_bytes(models[0]), 0x7e40u);
  EXPECT_EQ(total_bytes(models[1]), 0xcce0u);
  EXPECT_EQ(models[1].blocks.size(), 0x2cu);
  // No count line: the old count is unknown, not estimated; one block holds the bytes.
  EXPECT_TRUE(models[0].notes.old_counts_unknown);
  EXPECT_EQ(models[0].blocks.size(), 1u);
  ASSERT_EQ(models[1].stacks.size(), 1u);
  EXPECT_EQ(models[1].stacks[0].symbols.size(), 12u);
  EXPECT_EQ(models[1].stacks[0].symbols[8].function, "AppendEntry");
}

TEST(UmdhLog, AggregateAndSingleRecordsWithRepeatedBacktrace) {
  auto models = import_data("umdh-log.txt");
  ASSERT_EQ(models.size(), 1u);
  const HeapModel& m = models[0];
  EXPECT_EQ(m.source_kind, "umdh");
  EXPECT_EQ(m.blocks.size(), 0x18u + 2);
  EXPECT_EQ(total_bytes(m), 0x2d00u + 0x260 + 0x70);
  EXPECT_EQ(count_blocks(m, 0x2d00 / 0x18), 0x18u);
  ASSERT_EQ(m.arenas.size(), 1u);
  EXPECT_EQ(m.arenas[0].address, 0x2a0000u);
  const auto* single = m.find_block_containing(0x2b3c10);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->size, 0x260u);
  const auto* raw = m.find_stack(single->stack_id);
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->symbols.size(), 2u);
  EXPECT_EQ(raw->symbols[0].address, 0x7D8A41C0u);
  // BackTrace0047A printed its stack once; the later record reuses it.
  const auto* later = m.find_block_containing(0x2b3ea0);
  ASSERT_TRUE(later);
  const auto* reused = m.find_stack(later->stack_id);
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->symbols.at(1).function, "Journal::AddLine");
  EXPECT_EQ(reused->symbols.at(1).line, 203u);
}
