// The HeapModel helpers every analysis relies on.
#include <gtest/gtest.h>

#include "format/crc32.h"
#include "model/heap_model.h"
#include "model/model_totals.h"
#include "snapshot_fixture.h"

namespace leakdbg {
namespace {

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(fmt::crc32_update(0, "123456789", 9), 0xCBF43926u);
  EXPECT_EQ(fmt::crc32_update(0, "", 0), 0u);
}

TEST(Crc32, CanBeComputedInPieces) {
  std::string text = "The quick brown fox jumps over the lazy dog, twice over.";
  uint32_t whole = fmt::crc32_update(0, text.data(), text.size());
  EXPECT_EQ(whole, fmt::crc32_update(fmt::crc32_update(0, text.data(), 13), text.data() + 13,
                                     text.size() - 13));
  EXPECT_EQ(fmt::crc32_update(0, "The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
}

TEST(Names, ApiAndTrigger) {
  EXPECT_EQ(api_name(ApiKind::kNewArray), "new[]");
  EXPECT_EQ(api_name(ApiKind::kPosixMemalign), "posix_memalign");
  EXPECT_EQ(api_name(ApiKind::kMmap), "mmap");
  EXPECT_EQ(api_name(static_cast<ApiKind>(200)), "unknown");
  EXPECT_EQ(trigger_name(Trigger::kExit), "exit");
  EXPECT_EQ(trigger_name(Trigger::kRequest), "request");
  EXPECT_EQ(trigger_name(static_cast<Trigger>(99)), "unknown");
}

HeapModel three_blocks() {
  HeapModel m;
  for (auto [address, size] :
       {std::pair<uint64_t, uint64_t>{0x1000, 32}, {0x1030, 0}, {0x2000, 4096}}) {
    Block b;
    b.address = address;
    b.size = size;
    m.blocks.push_back(b);
  }
  return m;
}

TEST(FindBlockContaining, StartsInteriorAndOutside) {
  HeapModel m = three_blocks();
  EXPECT_EQ(m.find_block_containing(0x1000)->address, 0x1000u);
  EXPECT_EQ(m.find_block_containing(0x101f)->address, 0x1000u);
  EXPECT_EQ(m.find_block_containing(0x1020), nullptr);           // one past the end
  EXPECT_EQ(m.find_block_containing(0x1030)->address, 0x1030u);  // malloc(0) owns its address
  EXPECT_EQ(m.find_block_containing(0x1031), nullptr);
  EXPECT_EQ(m.find_block_containing(0x2fff)->address, 0x2000u);
  EXPECT_EQ(m.find_block_containing(0x3000), nullptr);
  EXPECT_EQ(m.find_block_containing(0xfff), nullptr);
  EXPECT_EQ(m.find_block_containing(0), nullptr);
  EXPECT_EQ(HeapModel{}.find_block_containing(0x1000), nullptr);
}

TEST(FindStack, DenseAndSparseIds) {
  HeapModel m;
  m.stacks = {{1, {1}, {}}, {2, {2}, {}}, {9, {9}, {}}};
  EXPECT_EQ(m.find_stack(1)->frames[0], 1u);
  EXPECT_EQ(m.find_stack(2)->frames[0], 2u);
  EXPECT_EQ(m.find_stack(9)->frames[0], 9u);
  EXPECT_EQ(m.find_stack(3), nullptr);
  EXPECT_EQ(m.find_stack(0), nullptr);
  EXPECT_EQ(m.find_stack(10), nullptr);
}

TEST(FindModule, PrefersLoadedModules) {
  HeapModel m;
  Module gone{"/old.so", "", 0, {{0x7000, 0x8000, 0, 5}}, true, false};
  Module now{"/new.so", "", 0, {{0x7800, 0x9000, 0, 5}}, false, false};
  m.modules = {gone, now};
  EXPECT_EQ(m.find_module(0x7100)->path, "/old.so");
  EXPECT_EQ(m.find_module(0x7900)->path, "/new.so");
  EXPECT_EQ(m.find_module(0x9000), nullptr);
}

TEST(Totals, HeapRegionAndAge) {
  HeapModel m = test::sample_model();
  EXPECT_EQ(m.heap_bytes(), 48u + (1u << 20));
  EXPECT_EQ(m.region_bytes(), 8u << 20);  // the file mapping is kept apart
  m.tick_ns = 1'000'000;
  m.current_tick = 2'100;
  Block b;
  b.alloc_tick = 100;
  EXPECT_DOUBLE_EQ(m.age_seconds(b), 2.0);
  b.alloc_tick = 5'000;  // later than the snapshot: corrupt or racing, never negative
  EXPECT_DOUBLE_EQ(m.age_seconds(b), 0.0);
  m.tick_ns = 0;
  EXPECT_DOUBLE_EQ(m.age_seconds(Block{}), 0.0);

  ModelTotals t = compute_totals(test::sample_model());
  EXPECT_EQ(t.blocks, 3u);
  EXPECT_EQ(t.mmapped_chunks, 1u);
  EXPECT_EQ(t.anon_regions, 1u);
  EXPECT_EQ(t.file_regions, 1u);
  EXPECT_EQ(t.unloaded_modules, 1u);
  EXPECT_EQ(t.max_stack_depth, 2u);
}

}  // namespace
}  // namespace leakdbg
