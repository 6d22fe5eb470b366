#include "tracker/live_table.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "test_blocks.h"

namespace leakdbg::tracker {
namespace {

TEST(LiveTable, InsertRemoveRoundTripsEveryField) {
  static LiveTable table;
  LiveBlock b = block_at(0x7f0012345670, (uint64_t{3} << 32) + 17, 99);
  ASSERT_TRUE(table.insert(b));
  EXPECT_EQ(table.total_blocks(), 1u);
  EXPECT_EQ(table.total_bytes(), b.size);
  LiveBlock out;
  ASSERT_TRUE(table.remove(b.address, &out));
  EXPECT_EQ(out.address, b.address);
  EXPECT_EQ(out.size, b.size);
  EXPECT_EQ(out.stack_id, 99u);
  EXPECT_EQ(out.thread_id, 42u);
  EXPECT_EQ(out.tick, 7u);
  EXPECT_EQ(out.api, 11u);
  EXPECT_FALSE(table.remove(b.address, &out));
  EXPECT_EQ(table.total_blocks(), 0u);
  table.clear_for_tests();
}

TEST(LiveTable, RejectsWhatCannotBePacked) {
  static LiveTable table;
  EXPECT_FALSE(table.insert(block_at(0, 10)));
  EXPECT_FALSE(table.insert(block_at(uintptr_t{1} << 50, 10)));
  EXPECT_FALSE(table.insert(block_at(0x1000, kMaxTrackedSize + 1)));
  EXPECT_TRUE(table.insert(block_at(0x1000, kMaxTrackedSize)));
  table.clear_for_tests();
}

TEST(LiveTable, ReinsertingAnAddressReplacesIt) {
  static LiveTable table;
  ASSERT_TRUE(table.insert(block_at(0x5000, 10)));
  ASSERT_TRUE(table.insert(block_at(0x5000, 30)));
  EXPECT_EQ(table.total_blocks(), 1u);
  EXPECT_EQ(table.total_bytes(), 30u);
  table.clear_for_tests();
}

// Random inserts and removes against a reference map: exercises growth and the
// backward-shift deletion on long probe runs.
TEST(LiveTable, MatchesAReferenceMapUnderRandomChurn) {
  static LiveTable table;
  std::unordered_map<uintptr_t, uint64_t> reference;
  std::mt19937_64 random(12345);
  std::vector<uintptr_t> live;
  for (int step = 0; step < 300000; ++step) {
    if (live.empty() || random() % 3 != 0) {
      uintptr_t address = 0x10000 + (random() % 2000000) * 16;
      uint64_t size = random() % 5000;
      ASSERT_TRUE(table.insert(block_at(address, size)));
      if (!reference.count(address)) live.push_back(address);
      reference[address] = size;
    } else {
      size_t i = random() % live.size();
      uintptr_t address = live[i];
      live[i] = live.back();
      live.pop_back();
      LiveBlock out;
      ASSERT_TRUE(table.remove(address, &out));
      EXPECT_EQ(out.size, reference[address]);
      reference.erase(address);
    }
  }
  EXPECT_EQ(table.total_blocks(), reference.size());
  uint64_t bytes = 0;
  for (auto& [address, size] : reference) {
    bytes += size;
    ASSERT_TRUE(table.contains(address));
  }
  EXPECT_EQ(table.total_bytes(), bytes);
  table.clear_for_tests();
}

// Dense neighbours make long probe runs that wrap around the shard's end; lookups of absent
// addresses must stop early without missing present ones, and removal in random order must
// keep every survivor findable.
TEST(LiveTable, DenseRunsKeepLookupsExact) {
  static LiveTable table;
  constexpr uintptr_t kBase = 0x7f0000000000;
  constexpr int kBlocks = 60000;
  std::vector<uintptr_t> present;
  for (int i = 0; i < kBlocks; ++i) {
    present.push_back(kBase + uintptr_t(i) * 32);
    ASSERT_TRUE(table.insert(block_at(present.back(), 8)));
  }
  std::mt19937_64 random(777);
  for (size_t i = present.size(); i > 1; --i) std::swap(present[i - 1], present[random() % i]);
  LiveBlock out;
  for (int i = 0; i < kBlocks; ++i) {
    ASSERT_FALSE(table.remove(kBase + uintptr_t(random() % kBlocks) * 32 + 16, &out));
    ASSERT_TRUE(table.remove(present[i], &out)) << i;
    if (i % 997 == 0) {
      for (int k = i + 1; k < kBlocks; k += 13) ASSERT_TRUE(table.contains(present[k])) << k;
    }
  }
  EXPECT_EQ(table.total_blocks(), 0u);
  table.clear_for_tests();
}

TEST(LiveTable, CostsAtMost48BytesPerBlockAtTwoMillion) {
  static LiveTable table;
  constexpr uint64_t kBlocks = 2'000'000;
  for (uint64_t i = 0; i < kBlocks; ++i) ASSERT_TRUE(table.insert(block_at(0x100000 + i * 48, 32)));
  double per_block = static_cast<double>(table.memory_bytes()) / kBlocks;
  EXPECT_LE(per_block, 48.0);
  table.clear_for_tests();
}

TEST(LiveTable, ConcurrentThreadsKeepExactCounts) {
  static LiveTable table;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      for (uintptr_t i = 0; i < 50000; ++i) {
        uintptr_t address = (uintptr_t(t + 1) << 32) + i * 16;
        table.insert(block_at(address, 8));
        if (i % 2) table.remove(address, nullptr);
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(table.total_blocks(), 4u * 25000);
  EXPECT_EQ(table.total_bytes(), 4u * 25000 * 8);
  table.clear_for_tests();
}

}  // namespace
}  // namespace leakdbg::tracker
