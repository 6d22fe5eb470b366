// What debuggers and UMDH print around their tables, as people save it: banners, segment
// heaps, page heap, managed frames, kept command lines, decimal UMDH, UTF-16 and mixed line
// ends, lines not understood (skipped and counted) and prose (refused). The samples are in
// tests/data/windows/variants/.
#include <gtest/gtest.h>

#include "test_data.h"
#include "util/error.h"
#include "winimport/import.h"

using namespace winimport_test;
using leakdbg::HeapModel;

namespace {

const leakdbg::Arena* heap_named(const HeapModel& m, const std::string& name) {
  for (const auto& a : m.arenas)
    if (a.name == name) return &a;
  return nullptr;
}

HeapModel one(const std::string& name) {
  auto models = import_data("variants/" + name);
  EXPECT_EQ(models.size(), 1u) << name;
  return models.at(0);
}

const leakdbg::Stack* stack_of(const HeapModel& m, const leakdbg::Block& b) {
  return m.find_stack(b.stack_id);
}

}  // namespace

TEST(Variants, Windows10SummaryWithBannersVirtualBlocksAndSegmentHeaps) {
  HeapModel m = one("heap-s-win10.txt");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  const auto* process = heap_named(m, "0000021f6e3d0000");
  ASSERT_TRUE(process);
  EXPECT_TRUE(process->figures_known);
  EXPECT_EQ(process->aspace_total, 8192u * 1024);
  EXPECT_EQ(process->system_current, 5120u * 1024);
  EXPECT_EQ(process->virtual_blocks, 2u);
  EXPECT_EQ(process->lock_contention, 0x1cu);  // the Lock column is hex
  const auto* no_front_end = heap_named(m, "0000021f6e1a0000");
  ASSERT_TRUE(no_front_end);
  EXPECT_EQ(no_front_end->front_end, "");
  // Segment heaps are named; their figures are not read, so they stay unknown.
  const auto* segment = heap_named(m, "0000021f6db00000");
  ASSERT_TRUE(segment);
  EXPECT_FALSE(segment->figures_known);
  EXPECT_EQ(m.arenas.size(), 5u);
}

TEST(Variants, SegmentHeapErrorAndGlobalFlagsBeforeTheTable) {
  HeapModel m = one("heap-s-segment-error.txt");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  ASSERT_EQ(m.arenas.size(), 2u);
  EXPECT_EQ(m.arenas[0].name, "00c40000");
  EXPECT_EQ(m.arenas[0].system_current, 2212u * 1024);
  EXPECT_EQ(m.arenas[0].lock_contention, 0xau);
}

TEST(Variants, WindowsXpColumnsWithLookasideFrontEnd) {
  HeapModel m = one("heap-s-xp.txt");
  ASSERT_EQ(m.arenas.size(), 3u);
  EXPECT_EQ(m.arenas[0].front_end, "L");
  EXPECT_EQ(m.arenas[2].lock_contention, 0x2fu);
  EXPECT_EQ(m.arenas[2].system_current, 84u * 1024);
}

TEST(Variants, NoHeapsToDisplayIsAnEmptyStateNotAnError) {
  HeapModel m = one("heap-s-none.txt");
  EXPECT_TRUE(m.arenas.empty());
  EXPECT_TRUE(m.blocks.empty());
}

TEST(Variants, LinesNotUnderstoodAreSkippedAndCounted) {
  HeapModel m = one("heap-s-noisy.txt");
  ASSERT_EQ(m.arenas.size(), 2u);  // the row with "zz" is not read
  EXPECT_EQ(m.notes.skipped_lines, 2u);
  EXPECT_EQ(m.notes.first_skipped_line, 6u);
  EXPECT_EQ(m.notes.first_skipped_text, "this line was typed into the log by hand");
  EXPECT_EQ(m.notes.elisions, 1u);
}

TEST(Variants, FilterListingWithTypeLinesElisionsAndFreeBlocks) {
  HeapModel m = one("heap-flt-win10.txt");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  EXPECT_EQ(m.notes.elisions, 1u);
  ASSERT_EQ(m.blocks.size(), 4u);  // four busy, one free
  for (const auto& b : m.blocks) EXPECT_EQ(b.size, 0x48u);
  EXPECT_EQ(m.blocks[0].address, 0x21f6e3e1f90u);
  ASSERT_TRUE(heap_named(m, "0000021f6e640000"));
}

TEST(Variants, PageHeapBlockWithItsStack) {
  HeapModel m = one("heap-p-a-pageheap.txt");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  ASSERT_EQ(m.blocks.size(), 1u);
  EXPECT_EQ(m.blocks[0].address, 0x0b7e2fc8u);
  EXPECT_EQ(m.blocks[0].size, 0x38u);
  const auto* stack = stack_of(m, m.blocks[0]);
  ASSERT_TRUE(stack);
  ASSERT_EQ(stack->symbols.size(), 9u);
  EXPECT_EQ(stack->symbols[0].module, "verifier");
  EXPECT_EQ(stack->symbols[6].module, "WindowDemo");
  EXPECT_EQ(stack->symbols[6].function, "doLeak");
  EXPECT_EQ(stack->symbols[6].offset, 0x1fu);
}

TEST(Variants, BlockWithoutAStack) {
  HeapModel m = one("heap-p-a-nostack.txt");
  ASSERT_EQ(m.blocks.size(), 1u);
  EXPECT_EQ(m.blocks[0].size, 0x50u);
  EXPECT_EQ(m.blocks[0].stack_id, 0u);
}

TEST(Variants, ManagedFramesWithoutAModule) {
  HeapModel m = one("heap-p-a-managed.txt");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  ASSERT_EQ(m.blocks.size(), 1u);
  const auto* stack = stack_of(m, m.blocks[0]);
  ASSERT_TRUE(stack);
  ASSERT_EQ(stack->symbols.size(), 5u);
  EXPECT_EQ(stack->symbols[2].address, 0x7ffb54f18807u);
  EXPECT_EQ(stack->symbols[2].module, "");
  EXPECT_EQ(stack->symbols[4].module, "coreclr");
}

TEST(Variants, SessionLogWithSeveralCommandsAndNoiseBetween) {
  HeapModel m = one("session-several.log");
  EXPECT_EQ(m.source_kind, "windbg-session");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  const auto* process = heap_named(m, "0000021f6e3d0000");
  ASSERT_TRUE(process);
  EXPECT_EQ(process->system_current, 5120u * 1024);
  // max-display 4 and four rows: the listing is cut off, and WinDbg's percentages give the
  // heap's busy total (0x8ca00 is 48.07 % of it).
  EXPECT_TRUE(m.notes.listing_cut_off);
  EXPECT_EQ(process->stated_busy_bytes, 1198253u);  // 576000 / 0.4807, rounded
  EXPECT_EQ(count_blocks(m, 0x48), 0x1f40u);
  // The block listed by -p -a stands in for one of the 0x48 blocks and brings its stack.
  const leakdbg::Block* listed = m.find_block_containing(0x21f6e3e1f90);
  ASSERT_TRUE(listed);
  ASSERT_TRUE(stack_of(m, *listed));
}

TEST(Variants, Utf16AndByteOrderMarksAndMixedLineEnds) {
  HeapModel le = one("heap-s-utf16le.txt");
  HeapModel plain = one("heap-s-segment-error.txt");
  ASSERT_EQ(le.arenas.size(), plain.arenas.size());
  EXPECT_EQ(le.arenas[0].system_current, plain.arenas[0].system_current);

  HeapModel be = one("session-utf16be.log");
  HeapModel session = one("session-several.log");
  EXPECT_EQ(be.blocks.size(), session.blocks.size());
  EXPECT_EQ(be.arenas.size(), session.arenas.size());

  auto bom = import_data("variants/umdh-diff-utf8bom-crlf.txt");
  auto diff = import_data("variants/umdh-diff-decimal.txt");
  ASSERT_EQ(bom.size(), 2u);
  EXPECT_EQ(total_bytes(bom[1]), total_bytes(diff[1]));

  HeapModel mixed = one("heap-s-mixed-eol.txt");
  HeapModel xp = one("heap-s-xp.txt");
  ASSERT_EQ(mixed.arenas.size(), xp.arenas.size());
  EXPECT_EQ(mixed.arenas[2].system_current, xp.arenas[2].system_current);
}

TEST(Variants, UmdhLogWithSymbolPathLinesCommandLineAndElision) {
  HeapModel m = one("umdh-log-dbghelp.txt");
  EXPECT_EQ(m.notes.skipped_lines, 0u) << m.notes.first_skipped_text;
  EXPECT_EQ(m.notes.elisions, 1u);
  EXPECT_EQ(total_bytes(m), 0x8ca0u + 0x1000u + 0x100u);
  EXPECT_EQ(m.blocks.size(), 0x1f4u + 1 + 1);
  ASSERT_TRUE(heap_named(m, "0000021f6e3d0000"));
}

TEST(Variants, UmdhDecimalComparisonKeepsItsNumbers) {
  auto models = import_data("variants/umdh-diff-decimal.txt");
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].notes.skipped_lines, 0u) << models[0].notes.first_skipped_text;
  EXPECT_FALSE(models[0].notes.old_counts_unknown);
  EXPECT_EQ(total_bytes(models[0]), 14400u + 4096u + 640u);
  EXPECT_EQ(models[0].blocks.size(), 30u + 4u + 10u);
  EXPECT_EQ(total_bytes(models[1]), 44683200u + 6144u);
  EXPECT_EQ(models[1].blocks.size(), 93090u + 6u);
}

TEST(Variants, UmdhComparisonWithoutCountLinesInventsNoCounts) {
  auto models = import_data("umdh-diff-v1.txt");
  ASSERT_EQ(models.size(), 2u);
  EXPECT_TRUE(models[0].notes.old_counts_unknown);
  EXPECT_EQ(total_bytes(models[0]), 0x7e40u);
  EXPECT_EQ(models[1].blocks.size(), 0x2cu);
}

TEST(Variants, ProseIsRefusedWithOneLine) {
  std::string text = read_data("variants/prose.txt");
  EXPECT_FALSE(leakdbg::winimport::looks_like_windows_text(text));
  try {
    leakdbg::winimport::import_text(text, "prose.txt");
    FAIL() << "prose imported";
  } catch (const leakdbg::Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}
