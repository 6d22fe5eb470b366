#include "analysis/block_detail.h"

#include <gtest/gtest.h>

#include "inspect_models.h"
#include "symbolize/symbolizer.h"

namespace {

using namespace inspect_test;
using leakdbg::BlockDetail;

HeapModel detail_model() {
  HeapModel model = glibc_model();
  uint32_t stack = add_stack(
      model, {operator_new_frame(), frame("libplugin.so", "read_defaults", "config.cpp", 42),
              frame("app", "main", "main.cpp", 3)});
  add_block(model, {.address = 0x5000,
                    .size = 48,
                    .usable = 56,
                    .stack = stack,
                    .content = "server.base_url=",
                    .tick = 7000});
  add_block(model, {.address = 0x5100, .size = 20, .stack = stack, .arena = 1});
  add_block(model, {.address = 0x7f00cc000010, .size = 300000, .stack = stack, .mmapped = true});
  leakdbg::Module plugin;
  plugin.path = "/opt/app/libplugin.so";
  plugin.segments = {{0x7f1100000000, 0x7f1100010000, 0, 5}};
  model.modules.push_back(plugin);
  leakdbg::Region region;
  region.address = 0x7f2200000000;
  region.length = 1 << 20;
  region.stack_id = stack;
  region.thread_id = 1000;
  model.regions.push_back(region);
  model.threads = {{1001, "worker", 0x7f3300000000, 0x7f3300800000}};
  model.smaps =
      "55d000000000-55d000021000 rw-p 00000000 00:00 0                          [heap]\n"
      "Size:                132 kB\n";
  finish(model);
  return model;
}

TEST(BlockDetail, StartAndInteriorPointersNameTheBlock) {
  HeapModel model = detail_model();
  leakdbg::Symbolizer symbolizer(model);
  for (uint64_t address : {0x5000ull, 0x5010ull, 0x502full, 0x5037ull}) {
    BlockDetail d = leakdbg::inspect_address(model, &symbolizer, address);
    ASSERT_TRUE(d.block) << std::hex << address;
    EXPECT_EQ(d.block->address, 0x5000u);
    EXPECT_EQ(d.offset, address - 0x5000);
  }
  BlockDetail d = leakdbg::inspect_address(model, &symbolizer, 0x5010);
  EXPECT_EQ(d.heap, "main");
  EXPECT_EQ(d.type, "printable \"server.base_url=\"");
  EXPECT_EQ(d.api, "malloc");
  EXPECT_EQ(d.thread, "1000");
  EXPECT_DOUBLE_EQ(d.age_seconds, 3.0);
  ASSERT_EQ(d.frames.size(), 3u);
  EXPECT_EQ(d.frames[1].function, "read_defaults");
  ASSERT_TRUE(d.chunk);
  EXPECT_EQ(d.chunk->chunk_address, 0x4ff0u);
  EXPECT_EQ(d.chunk->chunk_size, 64u);  // usable 56 + 8
  EXPECT_FALSE(d.chunk->is_mmapped);
  EXPECT_FALSE(d.chunk->non_main_arena);
}

TEST(BlockDetail, ChunkFactsFollowGlibcRules) {
  HeapModel model = detail_model();
  BlockDetail thread = leakdbg::inspect_address(model, nullptr, 0x5100);
  ASSERT_TRUE(thread.chunk);
  EXPECT_EQ(thread.chunk->chunk_size, 32u);  // request2size(20) without a usable size
  EXPECT_TRUE(thread.chunk->non_main_arena);
  EXPECT_EQ(thread.heap, "arena1");
  BlockDetail big = leakdbg::inspect_address(model, nullptr, 0x7f00cc000010 + 1000);
  ASSERT_TRUE(big.chunk);
  EXPECT_TRUE(big.chunk->is_mmapped);
  EXPECT_EQ(big.chunk->chunk_size, 303104u);  // 300016 rounded up to pages
  EXPECT_EQ(big.heap, "mmap-chunks");
  model.allocator = 2;
  EXPECT_FALSE(leakdbg::inspect_address(model, nullptr, 0x5100).chunk);
}

TEST(BlockDetail, AddressPastTheUsableEndIsInNoBlock) {
  HeapModel model = detail_model();
  BlockDetail d = leakdbg::inspect_address(model, nullptr, 0x5038);
  EXPECT_FALSE(d.found());
  ASSERT_TRUE(d.below);
  ASSERT_TRUE(d.above);
  EXPECT_EQ(d.below->address, 0x5000u);
  EXPECT_EQ(d.above->address, 0x5100u);
  BlockDetail first = leakdbg::inspect_address(model, nullptr, 0x10);
  EXPECT_FALSE(first.below);
  EXPECT_EQ(first.above->address, 0x5000u);
  BlockDetail last = leakdbg::inspect_address(model, nullptr, UINT64_MAX);
  EXPECT_FALSE(last.above);
  EXPECT_FALSE(last.mapping);
}

TEST(BlockDetail, RegionsAreFoundWithTheirStacks) {
  HeapModel model = detail_model();
  leakdbg::Symbolizer symbolizer(model);
  BlockDetail d = leakdbg::inspect_address(model, &symbolizer, 0x7f2200000000 + 4096);
  EXPECT_TRUE(d.found());
  ASSERT_TRUE(d.region);
  EXPECT_EQ(d.offset, 4096u);
  EXPECT_EQ(d.heap, "mmap");
  EXPECT_EQ(d.frames.size(), 3u);
  ASSERT_TRUE(d.mapping);
  EXPECT_EQ(d.mapping->kind, "mmap region");
}

TEST(BlockDetail, MappingNamesModulesThreadStacksAndSmaps) {
  HeapModel model = detail_model();
  auto in_module = leakdbg::inspect_address(model, nullptr, 0x7f1100000100).mapping;
  ASSERT_TRUE(in_module);
  EXPECT_EQ(in_module->kind, "module");
  EXPECT_EQ(in_module->name, "/opt/app/libplugin.so");
  auto in_stack = leakdbg::inspect_address(model, nullptr, 0x7f3300000100).mapping;
  ASSERT_TRUE(in_stack);
  EXPECT_EQ(in_stack->kind, "thread stack");
  EXPECT_EQ(in_stack->name, "tid 1001 (worker)");
  auto in_heap = leakdbg::inspect_address(model, nullptr, 0x55d000000100).mapping;
  ASSERT_TRUE(in_heap);
  EXPECT_EQ(in_heap->name, "[heap]");
  EXPECT_EQ(in_heap->perms, "rw-p");
}

TEST(SmapsLookup, SkipsFigureLinesAndMalformedHeaders) {
  const char* smaps =
      "garbage line\n"
      "abc-def\n"
      "1000-0800 rw-p 00000000 00:00 0 [reversed]\n"
      "Rss:                   4 kB\n"
      "ffffffffffffffffffffff-1 rw-p 0 00:00 0 [overflow]\n"
      "2000-3000 r-xp 00001000 08:01 1234   /usr/lib/libz.so.1\n"
      "Shared_Clean:          0 kB\n"
      "4000-5000 rw-p 00000000 00:00 0\n";
  auto lib = leakdbg::find_mapping_in_smaps(smaps, 0x2fff);
  ASSERT_TRUE(lib);
  EXPECT_EQ(lib->start, 0x2000u);
  EXPECT_EQ(lib->end, 0x3000u);
  EXPECT_EQ(lib->name, "/usr/lib/libz.so.1");
  auto anon = leakdbg::find_mapping_in_smaps(smaps, 0x4000);
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->name, "");
  EXPECT_FALSE(leakdbg::find_mapping_in_smaps(smaps, 0x3000));
  EXPECT_FALSE(leakdbg::find_mapping_in_smaps(smaps, 0x900));
  EXPECT_FALSE(leakdbg::find_mapping_in_smaps("", 0x10));
  EXPECT_FALSE(leakdbg::find_mapping_in_smaps("1000-2000 rw-p", 0x1500));
}

}  // namespace
