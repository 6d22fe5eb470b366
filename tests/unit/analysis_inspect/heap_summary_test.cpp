#include "analysis/heap_summary.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "analysis/heap_select.h"
#include "inspect_models.h"
#include "util/error.h"

namespace {

using namespace inspect_test;
using leakdbg::HeapKind;
using leakdbg::HeapRow;
using leakdbg::HeapSummary;

const HeapRow& row(const HeapSummary& summary, const std::string& id) {
  for (const HeapRow& r : summary.rows)
    if (r.id == id) return r;
  throw std::runtime_error("no row " + id);
}

HeapModel populated() {
  HeapModel model = glibc_model();
  add_block(model, {.address = 0x1000, .size = 48, .arena = 0});
  add_block(model, {.address = 0x1040, .size = 100, .arena = 0});
  add_block(model, {.address = 0x7f00bb001000, .size = 64, .arena = 1});
  add_block(
      model,
      {.address = 0x7f00cc000010, .size = 200000, .usable = 200688, .arena = 0, .mmapped = true});
  add_block(model, {.address = 0x9000, .size = 10, .arena = leakdbg::kArenaUnknown});
  leakdbg::Region anon;
  anon.address = 0x7f0100000000;
  anon.length = 1 << 20;
  anon.prot = PROT_READ | PROT_WRITE;
  anon.flags = leakdbg::kRegionAnonymous;
  leakdbg::Region reserved = anon;
  reserved.address = 0x7f0200000000;
  reserved.prot = PROT_NONE;
  leakdbg::Region file = anon;
  file.address = 0x7f0300000000;
  file.length = 8192;
  file.flags = leakdbg::kRegionFile;
  model.regions = {anon, reserved, file};
  finish(model);
  return model;
}

TEST(HeapSummary, OneRowPerHeapInAFixedOrder) {
  HeapSummary summary = leakdbg::summarize_heaps(populated());
  std::vector<std::string> ids;
  for (const HeapRow& r : summary.rows) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"main", "arena1", "mmap-chunks", "other", "mmap",
                                           "mmap-file"}));
  EXPECT_TRUE(summary.allocator_figures);
  EXPECT_FALSE(summary.base_total);
}

TEST(HeapSummary, ArenaFiguresComeFromTheAllocatorAndBusyFromBlocks) {
  HeapSummary summary = leakdbg::summarize_heaps(populated());
  const HeapRow& main = row(summary, "main");
  EXPECT_EQ(main.alias, "0x7f00aa000000");
  EXPECT_EQ(main.now.busy_bytes, 148u);
  EXPECT_EQ(main.now.busy_blocks, 2u);
  EXPECT_EQ(main.now.committed, 1u << 20);
  EXPECT_EQ(main.now.reserved, 1u << 20);
  EXPECT_EQ(main.now.free_bytes, 4096u);
  EXPECT_EQ(main.now.free_blocks, 5u);
  EXPECT_DOUBLE_EQ(main.now.fragmentation, 4096.0 / (1 << 20));
  const HeapRow& thread = row(summary, "arena1");
  EXPECT_EQ(thread.now.busy_blocks, 1u);
  EXPECT_EQ(thread.now.committed, 132u << 10);
  // A thread arena's heap reserves glibc's whole 64 MiB heap size.
  EXPECT_EQ(thread.now.reserved, 64u << 20);
}

TEST(HeapSummary, MmappedChunksAndRegionsCountTheirMappings) {
  HeapSummary summary = leakdbg::summarize_heaps(populated());
  const HeapRow& chunks = row(summary, "mmap-chunks");
  EXPECT_EQ(chunks.now.busy_bytes, 200000u);
  EXPECT_EQ(chunks.now.committed, 200704u);  // 200688 + 16 rounded up to pages
  const HeapRow& mmap = row(summary, "mmap");
  EXPECT_EQ(mmap.now.busy_blocks, 2u);
  EXPECT_EQ(mmap.now.reserved, 2u << 20);
  EXPECT_EQ(mmap.now.committed, 1u << 20);  // the PROT_NONE one is reserved only
  EXPECT_EQ(row(summary, "mmap-file").now.busy_bytes, 8192u);
  EXPECT_EQ(row(summary, "other").now.busy_bytes, 10u);
  EXPECT_EQ(summary.total.busy_blocks, 5u + 3u);
}

TEST(HeapSummary, BaseAddsTheChangePerRowMatchedById) {
  HeapModel base = populated();
  HeapModel now = populated();
  for (int i = 0; i < 10; ++i)
    add_block(now, {.address = 0x20000 + 0x40 * static_cast<uint64_t>(i), .size = 48, .arena = 0});
  now.arenas[0].system_current += 4096;
  now.regions.pop_back();  // the file mapping went away
  finish(now);
  HeapSummary summary = leakdbg::summarize_heaps(now, &base);
  const HeapRow& main = row(summary, "main");
  ASSERT_TRUE(main.base);
  EXPECT_EQ(leakdbg::figure_change(main.now.busy_bytes, main.base->busy_bytes), 480);
  EXPECT_EQ(leakdbg::figure_change(main.now.busy_blocks, main.base->busy_blocks), 10);
  EXPECT_EQ(leakdbg::figure_change(main.now.committed, main.base->committed), 4096);
  EXPECT_EQ(leakdbg::figure_change(row(summary, "arena1").now.busy_bytes,
                                   row(summary, "arena1").base->busy_bytes),
            0);
  const HeapRow& gone = row(summary, "mmap-file");
  EXPECT_EQ(gone.now.busy_bytes, 0u);
  EXPECT_EQ(gone.base->busy_bytes, 8192u);
  ASSERT_TRUE(summary.base_total);
  EXPECT_EQ(leakdbg::figure_change(summary.total.busy_bytes, summary.base_total->busy_bytes),
            480 - 8192);
}

TEST(HeapSummary, WithoutAllocatorFiguresOnlyBlocksCount) {
  HeapModel model;
  add_block(model, {.address = 0x1000, .size = 32, .arena = leakdbg::kArenaUnknown});
  HeapSummary summary = leakdbg::summarize_heaps(model);
  EXPECT_FALSE(summary.allocator_figures);
  ASSERT_EQ(summary.rows.size(), 1u);
  EXPECT_EQ(summary.rows[0].id, "other");
  EXPECT_EQ(summary.rows[0].now.committed, 0u);
  EXPECT_EQ(summary.rows[0].now.fragmentation, 0.0);
}

TEST(HeapIds, ParseNamesAliasesAndReject) {
  HeapModel model = populated();
  EXPECT_EQ(leakdbg::parse_heap_id(model, "main").kind, HeapKind::kArena);
  EXPECT_EQ(leakdbg::parse_heap_id(model, "main").arena, 0u);
  EXPECT_EQ(leakdbg::parse_heap_id(model, "arena1").arena, 1u);
  EXPECT_EQ(leakdbg::parse_heap_id(model, "0x7f00bb000020").arena, 1u);
  EXPECT_EQ(leakdbg::parse_heap_id(model, "7f00bb000020").arena, 1u);  // WinDbg's bare hex
  EXPECT_EQ(leakdbg::parse_heap_id(model, "mmap-chunks").kind, HeapKind::kMmapChunks);
  EXPECT_EQ(leakdbg::parse_heap_id(model, "mmap").kind, HeapKind::kMmap);
  for (const char* bad : {"arena7", "arena0", "heap", "", "0x1234", "arena99999999999999999999"}) {
    try {
      leakdbg::parse_heap_id(model, bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const leakdbg::Error& e) {
      EXPECT_NE(std::string(e.what()).find("main, arena1, mmap-chunks"), std::string::npos)
          << e.what();
    }
  }
}

TEST(HeapIds, BlocksAndRegionsBelongToOneHeap) {
  HeapModel model = populated();
  for (const Block& b : model.blocks) {
    leakdbg::HeapSelector heap = leakdbg::heap_of(b);
    EXPECT_TRUE(heap.holds(b));
    EXPECT_EQ(leakdbg::parse_heap_id(model, leakdbg::heap_id(model, heap)), heap);
  }
  EXPECT_EQ(leakdbg::heap_of(model.regions[0]).kind, HeapKind::kMmap);
  EXPECT_EQ(leakdbg::heap_of(model.regions[2]).kind, HeapKind::kMmapFile);
}

}  // namespace
