#include "unwind/rule_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "unwind/frame_rule.h"

namespace leakdbg::unwind {
namespace {

class RuleCacheTest : public ::testing::Test {
 protected:
  ~RuleCacheTest() override { cache.unmap(); }
  RuleCache<10> cache;
};

TEST_F(RuleCacheTest, FindsWhatWasInserted) {
  uint64_t packed = 0;
  EXPECT_FALSE(cache.find(0x401000, &packed));
  ASSERT_TRUE(cache.insert(0x401000, 0x1234));
  ASSERT_TRUE(cache.find(0x401000, &packed));
  EXPECT_EQ(packed, 0x1234u);
  EXPECT_FALSE(cache.find(0x401001, &packed));
  EXPECT_EQ(cache.size(), 1u);
}

TEST_F(RuleCacheTest, PayloadAbove48BitsIsDropped) {
  ASSERT_TRUE(cache.insert(0x5000, ~uint64_t{0}));
  uint64_t packed = 0;
  ASSERT_TRUE(cache.find(0x5000, &packed));
  EXPECT_EQ(packed, (uint64_t{1} << kPackedRuleBits) - 1);
}

TEST_F(RuleCacheTest, InvalidateDropsOnlyTheRange) {
  for (uintptr_t pc = 0x10000; pc < 0x10100; pc += 4) ASSERT_TRUE(cache.insert(pc, pc));
  EXPECT_EQ(cache.invalidate(0x10040, 0x10080), 16u);
  uint64_t packed = 0;
  for (uintptr_t pc = 0x10000; pc < 0x10100; pc += 4)
    EXPECT_EQ(cache.find(pc, &packed), pc < 0x10040 || pc >= 0x10080) << pc;
  // Freed slots are reused, and the new rule (not the old one) is found.
  ASSERT_TRUE(cache.insert(0x10040, 99));
  ASSERT_TRUE(cache.find(0x10040, &packed));
  EXPECT_EQ(packed, 99u);
}

TEST_F(RuleCacheTest, FullProbeWindowRefusesInsteadOfGrowing) {
  // 1024 slots, 16 probes: at most the table's size is ever stored, and a refused insert
  // leaves everything else findable.
  size_t stored = 0;
  std::vector<uintptr_t> kept;
  for (uintptr_t pc = 0x100000; pc < 0x100000 + 4096 * 8; pc += 8) {
    if (cache.insert(pc, pc & 0xffff)) {
      ++stored;
      kept.push_back(pc);
    }
  }
  EXPECT_LE(stored, 1024u);
  EXPECT_LT(stored, 4096u);
  uint64_t packed = 0;
  for (uintptr_t pc : kept) {
    ASSERT_TRUE(cache.find(pc, &packed)) << pc;
    EXPECT_EQ(packed, pc & 0xffff);
  }
}

TEST_F(RuleCacheTest, ConcurrentReadersSeeOnlyWholeRules) {
  // Writers insert and invalidate while readers look up: a found rule must always be the
  // one that belongs to its address.
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> wrong{0}, found{0};
  auto rule_of = [](uintptr_t pc) { return (pc * 7) & ((uint64_t{1} << 40) - 1); };
  std::vector<std::thread> writers, readers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      const uintptr_t base = 0x200000 + static_cast<uintptr_t>(w) * 0x100000;
      while (!stop.load()) {
        for (uintptr_t pc = base; pc < base + 300 * 16; pc += 16) cache.insert(pc, rule_of(pc));
        cache.invalidate(base, base + 300 * 16);
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      uint64_t packed = 0;
      // On a loaded machine the writers may not have run yet after 400 passes: go on until
      // some rule was seen (the check is about the rules found, not about scheduling).
      for (int pass = 0; pass < 400 || (found.load() == 0 && pass < 10'000'000); ++pass) {
        for (int w = 0; w < 2; ++w) {
          const uintptr_t base = 0x200000 + static_cast<uintptr_t>(w) * 0x100000;
          for (uintptr_t pc = base; pc < base + 300 * 16; pc += 16) {
            if (!cache.find(pc, &packed)) continue;
            found.fetch_add(1, std::memory_order_relaxed);
            if (packed != rule_of(pc)) wrong.fetch_add(1);
          }
        }
      }
    });
  }
  for (auto& reader : readers) reader.join();
  stop = true;
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GT(found.load(), 0u);
}

TEST(FrameRule, PackRoundTrip) {
  const FrameRule rules[] = {
      {FrameRule::Kind::kCfaRsp, 8, false, 0},
      {FrameRule::Kind::kCfaRsp, 4096 + 56, true, -48},
      {FrameRule::Kind::kCfaRbp, 16, true, -16},
      {FrameRule::Kind::kCfaRbp, kMaxCfaOffset, true, -8 * (kMaxRbpSlots + 1)},
      {FrameRule::Kind::kCfaRsp, 4096, true, 8 * kMaxRbpSlots},
      {FrameRule::Kind::kEnd, 0, false, 0},
      {FrameRule::Kind::kFallback, 0, false, 0},
  };
  for (const FrameRule& rule : rules) {
    const uint64_t packed = pack_rule(rule);
    EXPECT_LT(packed, uint64_t{1} << kPackedRuleBits);
    EXPECT_EQ(unpack_rule(packed), rule);
  }
}

TEST(FrameRule, UnrepresentableRulesBecomeFallback) {
  const FrameRule too_far{FrameRule::Kind::kCfaRsp, kMaxCfaOffset + 1, false, 0};
  EXPECT_EQ(unpack_rule(pack_rule(too_far)).kind, FrameRule::Kind::kFallback);
  const FrameRule misaligned{FrameRule::Kind::kCfaRsp, 64, true, -12};
  EXPECT_EQ(unpack_rule(pack_rule(misaligned)).kind, FrameRule::Kind::kFallback);
  const FrameRule rbp_too_far{FrameRule::Kind::kCfaRbp, 64, true, -8 * (kMaxRbpSlots + 2)};
  EXPECT_EQ(unpack_rule(pack_rule(rbp_too_far)).kind, FrameRule::Kind::kFallback);
}

}  // namespace
}  // namespace leakdbg::unwind
