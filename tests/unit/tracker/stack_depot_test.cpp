#include "tracker/stack_depot.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace leakdbg::tracker {
namespace {

TEST(StackDepot, SameFramesGiveTheSameIdAndDifferentFramesNot) {
  static StackDepot depot;
  uintptr_t a[] = {0x401000, 0x402000, 0x403000};
  uintptr_t b[] = {0x401000, 0x402000, 0x403001};
  uint32_t id_a = depot.intern(a, 3);
  uint32_t id_b = depot.intern(b, 3);
  EXPECT_GE(id_a, 1u);
  EXPECT_NE(id_a, id_b);
  EXPECT_EQ(depot.intern(a, 3), id_a);
  EXPECT_NE(depot.intern(a, 2), id_a);  // a prefix is another stack
  const StackDepot::Stack* s = depot.get(id_b);
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->depth, 3u);
  EXPECT_EQ(s->frames()[2], 0x403001u);
  EXPECT_EQ(depot.get(0), nullptr);
  EXPECT_EQ(depot.get(depot.count() + 1), nullptr);
}

TEST(StackDepot, ConcurrentInternsAgreeOnIds) {
  static StackDepot depot;
  constexpr int kStacks = 5000;
  std::vector<std::vector<uint32_t>> ids(4, std::vector<uint32_t>(kStacks));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &ids] {
      for (int i = 0; i < kStacks; ++i) {
        uintptr_t frames[4] = {0x1000u + uintptr_t(i), 0x2000, 0x3000, uintptr_t(i % 7)};
        ids[t][i] = depot.intern(frames, 4);
      }
    });
  for (auto& th : threads) th.join();
  std::set<uint32_t> distinct(ids[0].begin(), ids[0].end());
  EXPECT_EQ(distinct.size(), size_t{kStacks});
  for (int t = 1; t < 4; ++t) EXPECT_EQ(ids[t], ids[0]);
  EXPECT_EQ(depot.count(), uint32_t{kStacks});
}

}  // namespace
}  // namespace leakdbg::tracker
