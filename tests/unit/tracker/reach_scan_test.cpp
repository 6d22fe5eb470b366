// The reachability classification on hand-built heaps: the blocks are arrays of words in
// this test, the roots are words too, so every shape is exact.
#include "tracker/reach_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace leakdbg::tracker {
namespace {

using fmt::ReachClass;
using fmt::ReferrerKind;

// A heap of `count` blocks of `words` words each, inside one array, 16 bytes apart.
struct FakeHeap {
  explicit FakeHeap(size_t count, size_t words = 4) : words_per_block(words + 2) {
    memory.assign(count * words_per_block, 0);
    for (size_t i = 0; i < count; ++i) blocks.push_back(ScanBlock{address(i), words * 8});
  }
  uint64_t address(size_t i) const {
    return reinterpret_cast<uint64_t>(&memory[i * words_per_block]);
  }
  uint64_t* word(size_t block, size_t w) { return &memory[block * words_per_block + w]; }
  void link(size_t from, size_t w, size_t to, uint64_t offset = 0) {
    *word(from, w) = address(to) + offset;
  }

  // Classifies with `roots` (a word array scanned as one global root).
  void classify(const std::vector<uint64_t>& roots) {
    out.assign(blocks.size(), {});
    std::vector<uint32_t> queue(blocks.size());
    std::vector<ScanMark> state(blocks.size());
    referrers.assign(blocks.size() * 64 + 16, {});
    ReachScan scan(blocks.data(), blocks.size(), out.data(), queue.data(), state.data(),
                   referrers.data(), referrers.size());
    // As the tracker runs it: words looked up through the page index.
    std::vector<uint64_t> index_memory(BlockIndex::memory_bytes(blocks.data(), blocks.size()) / 8);
    BlockIndex index;
    index.build(blocks.data(), blocks.size(), index_memory.data());
    if (indexed) scan.use_index(&index);
    const auto begin = reinterpret_cast<uint64_t>(roots.data());
    scan.scan_root(RootRange{begin, begin + roots.size() * 8, 0, ReferrerKind::kMemory});
    scan.run();
    referrers.resize(scan.referrers_kept());
  }
  ReachClass cls(size_t i) const { return static_cast<ReachClass>(out[i].reach_class); }

  bool indexed = true;
  size_t words_per_block;
  std::vector<uint64_t> memory;
  std::vector<ScanBlock> blocks;
  std::vector<fmt::BlockReachRecord> out;
  std::vector<fmt::ReferrerRecord> referrers;
};

TEST(ReachScan, ChainFromARootIsReachableWithShortestParents) {
  FakeHeap heap(4);
  heap.link(0, 0, 1);
  heap.link(1, 0, 2);
  heap.link(0, 1, 2);  // 2 is also one step from 0: its parent must be 0, not 1
  std::vector<uint64_t> roots = {heap.address(0)};
  heap.classify(roots);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(heap.cls(i), ReachClass::kReachable) << i;
  EXPECT_EQ(heap.cls(3), ReachClass::kUnreachable);
  EXPECT_EQ(heap.out[0].parent_kind, uint8_t(ReferrerKind::kMemory));
  EXPECT_EQ(heap.out[0].parent_slot, reinterpret_cast<uint64_t>(roots.data()));
  EXPECT_EQ(heap.out[2].parent_slot, reinterpret_cast<uint64_t>(heap.word(0, 1)));
  EXPECT_EQ(heap.out[2].referrer_count, 2);
}

TEST(ReachScan, LostTreeHasOneHeadAndIndirectMembers) {
  FakeHeap heap(7);
  heap.link(0, 0, 1);
  heap.link(0, 1, 2);
  heap.link(1, 0, 3);
  heap.link(1, 1, 4);
  heap.link(2, 0, 5);
  heap.link(2, 1, 6);
  heap.classify({});
  EXPECT_EQ(heap.cls(0), ReachClass::kUnreachable);
  for (size_t i = 1; i < 7; ++i) EXPECT_EQ(heap.cls(i), ReachClass::kIndirect) << i;
  EXPECT_EQ(heap.out[0].parent_kind, uint8_t(ReferrerKind::kNone));
}

TEST(ReachScan, LostCycleHasItsLowestBlockAsHead) {
  FakeHeap heap(3);
  heap.link(2, 0, 1);  // the head found first in address order is 0 ...
  heap.link(1, 0, 0);
  heap.link(0, 0, 2);
  heap.classify({});
  EXPECT_EQ(heap.cls(0), ReachClass::kUnreachable);
  EXPECT_EQ(heap.cls(1), ReachClass::kIndirect);
  EXPECT_EQ(heap.cls(2), ReachClass::kIndirect);
}

TEST(ReachScan, AnEarlierHeadPointedAtByALaterOneBecomesIndirect) {
  FakeHeap heap(3);
  heap.link(2, 0, 0);  // 2 heads the tree {2, 0}; 1 is alone
  heap.classify({});
  EXPECT_EQ(heap.cls(0), ReachClass::kIndirect);
  EXPECT_EQ(heap.cls(1), ReachClass::kUnreachable);
  EXPECT_EQ(heap.cls(2), ReachClass::kUnreachable);
  EXPECT_EQ(heap.out[0].parent_slot, reinterpret_cast<uint64_t>(heap.word(2, 0)));
}

TEST(ReachScan, SelfPointerDoesNotKeepABlock) {
  FakeHeap heap(1);
  heap.link(0, 2, 0);
  heap.classify({});
  EXPECT_EQ(heap.cls(0), ReachClass::kUnreachable);
  EXPECT_EQ(heap.out[0].referrer_count, 1);
}

TEST(ReachScan, InteriorPointersGivePossiblyAndPassItOn) {
  FakeHeap heap(4);
  heap.link(0, 0, 1);  // 0 -> 1 by start pointer, but 0 itself is only reached inside
  heap.link(2, 0, 3, 8);
  std::vector<uint64_t> roots = {heap.address(0) + 16, heap.address(2)};
  heap.classify(roots);
  EXPECT_EQ(heap.cls(0), ReachClass::kPossibly);
  EXPECT_EQ(heap.cls(1), ReachClass::kPossibly);
  EXPECT_EQ(heap.cls(2), ReachClass::kReachable);
  EXPECT_EQ(heap.cls(3), ReachClass::kPossibly);
}

TEST(ReachScan, StartPointerWinsOverAnEarlierInteriorOne) {
  FakeHeap heap(2);
  heap.link(0, 0, 1);
  std::vector<uint64_t> roots = {heap.address(1) + 8, heap.address(0)};
  heap.classify(roots);
  EXPECT_EQ(heap.cls(1), ReachClass::kReachable);
  EXPECT_EQ(heap.out[1].parent_slot, reinterpret_cast<uint64_t>(heap.word(0, 0)));
}

TEST(ReachScan, PointersJustPastABlockAreNotReferences) {
  FakeHeap heap(2, 2);  // blocks of 16 bytes with 16 bytes of gap
  std::vector<uint64_t> roots = {heap.address(0) + 16, heap.address(1) - 1};
  heap.classify(roots);
  EXPECT_EQ(heap.cls(0), ReachClass::kUnreachable);
  EXPECT_EQ(heap.cls(1), ReachClass::kUnreachable);
}

TEST(ReachScan, HeldPointerMakesItsBlockReachable) {
  FakeHeap heap(2);
  heap.link(0, 0, 1);
  fmt::BlockReachRecord out[2];
  uint32_t queue[2];
  ScanMark state[2];
  fmt::ReferrerRecord referrers[8];
  ReachScan scan(heap.blocks.data(), 2, out, queue, state, referrers, 8);
  scan.hold(heap.address(0) + 8, 0x1000, ReferrerKind::kTls, 7);
  scan.run();
  EXPECT_EQ(out[0].reach_class, uint8_t(ReachClass::kReachable));
  EXPECT_EQ(out[0].parent_kind, uint8_t(ReferrerKind::kTls));
  EXPECT_EQ(out[0].parent_tid, 7u);
  EXPECT_EQ(out[1].reach_class, uint8_t(ReachClass::kReachable));
}

TEST(ReachScan, RegisterRootsReportTheRegisterNumber) {
  FakeHeap heap(1);
  uint64_t registers[6] = {0, 0, 0, heap.address(0), 0, 0};
  fmt::BlockReachRecord out[1];
  uint32_t queue[1];
  ScanMark state[1];
  fmt::ReferrerRecord referrers[4];
  ReachScan scan(heap.blocks.data(), 1, out, queue, state, referrers, 4);
  const auto begin = reinterpret_cast<uint64_t>(registers);
  scan.scan_root(RootRange{begin, begin + sizeof registers, 42, ReferrerKind::kRegister, true, 0});
  scan.run();
  EXPECT_EQ(out[0].reach_class, uint8_t(ReachClass::kReachable));
  EXPECT_EQ(out[0].parent_slot, 3u);
  EXPECT_EQ(out[0].parent_tid, 42u);
}

TEST(ReachScan, ReferrersAreCappedPerBlockAndCounted) {
  FakeHeap heap(1);
  std::vector<uint64_t> roots(100, heap.address(0));
  heap.classify(roots);
  EXPECT_EQ(heap.out[0].referrer_count, 100);
  EXPECT_EQ(heap.referrers.size(), ReachScan::kReferrersKeptPerBlock);
}

// A reference classification by fixed point over random graphs: reachable = reached from
// the roots by start pointers only; possibly = reached otherwise; lost = the rest.
TEST(ReachScan, MatchesAFixedPointOnRandomGraphs) {
  std::mt19937_64 random(12345);
  for (int round = 0; round < 200; ++round) {
    const size_t n = 1 + random() % 40;
    FakeHeap heap(n);
    std::vector<std::vector<std::pair<size_t, bool>>> edges(n);  // to, exact
    for (size_t i = 0; i < n; ++i)
      for (size_t w = 0; w < 4; ++w)
        if (random() % 3 == 0) {
          size_t to = random() % n;
          bool exact = random() % 4 != 0;
          heap.link(i, w, to, exact ? 0 : 8);
          edges[i].push_back({to, exact});
        }
    std::vector<uint64_t> roots;
    std::vector<std::pair<size_t, bool>> root_edges;
    for (size_t r = 0; r < 3; ++r)
      if (random() % 2) {
        size_t to = random() % n;
        bool exact = random() % 4 != 0;
        roots.push_back(heap.address(to) + (exact ? 0 : 8));
        root_edges.push_back({to, exact});
      }
    heap.indexed = false;
    heap.classify(roots);
    const std::vector<fmt::BlockReachRecord> searched = heap.out;
    heap.indexed = true;
    heap.classify(roots);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(heap.out[i].reach_class, searched[i].reach_class) << round << " " << i;
      EXPECT_EQ(heap.out[i].parent_slot, searched[i].parent_slot) << round << " " << i;
      EXPECT_EQ(heap.out[i].referrer_count, searched[i].referrer_count) << round << " " << i;
    }
    // Level 2 = reachable, 1 = possibly, 0 = lost: max over paths of min over edges.
    std::vector<int> level(n, 0);
    for (bool changed = true; changed;) {
      changed = false;
      auto offer = [&](size_t to, int value) {
        if (value > level[to]) {
          level[to] = value;
          changed = true;
        }
      };
      for (auto [to, exact] : root_edges) offer(to, exact ? 2 : 1);
      for (size_t i = 0; i < n; ++i)
        if (level[i] > 0)
          for (auto [to, exact] : edges[i]) offer(to, std::min(level[i], exact ? 2 : 1));
    }
    size_t heads = 0;
    for (size_t i = 0; i < n; ++i) {
      if (level[i] == 2) {
        EXPECT_EQ(heap.cls(i), ReachClass::kReachable) << round << " " << i;
      }
      if (level[i] == 1) {
        EXPECT_EQ(heap.cls(i), ReachClass::kPossibly) << round << " " << i;
      }
      if (level[i] == 0) {
        EXPECT_TRUE(heap.cls(i) == ReachClass::kUnreachable || heap.cls(i) == ReachClass::kIndirect)
            << round << " " << i;
        heads += heap.cls(i) == ReachClass::kUnreachable;
        // An indirect block's parent is a lost block.
        if (heap.cls(i) == ReachClass::kIndirect) {
          const uint64_t slot = heap.out[i].parent_slot;
          size_t from = 0;
          while (from + 1 < n && heap.address(from + 1) <= slot) ++from;
          EXPECT_EQ(level[from], 0) << round;
        }
      }
    }
    const bool any_lost = std::count(level.begin(), level.end(), 0) > 0;
    EXPECT_EQ(heads > 0, any_lost) << round;
  }
}

}  // namespace
}  // namespace leakdbg::tracker
