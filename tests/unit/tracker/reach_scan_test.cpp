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

// Blocks (a FakeHeap) and mmap regions (word arrays of their own, after the blocks as scan
// items), classified as the tracker does, with `readable` limiting what of the regions is read.
struct HeapWithRegions {
  HeapWithRegions(size_t blocks, std::vector<size_t> region_words) : heap(blocks) {
    items = heap.blocks;
    for (size_t words : region_words) regions.emplace_back(words, 0);
    std::vector<ScanBlock> sorted;
    for (auto& r : regions) sorted.push_back(ScanBlock{address(r), r.size() * 8});
    std::sort(sorted.begin(), sorted.end(),
              [](const ScanBlock& a, const ScanBlock& b) { return a.address < b.address; });
    for (auto& r : regions) readable.push_back({address(r), address(r) + r.size() * 8});
    std::sort(readable.begin(), readable.end());
    items.insert(items.end(), sorted.begin(), sorted.end());
  }
  static uint64_t address(const std::vector<uint64_t>& r) {
    return reinterpret_cast<uint64_t>(r.data());
  }
  // The scan item index of region r.
  size_t item(size_t r) const {
    for (size_t i = heap.blocks.size(); i < items.size(); ++i)
      if (items[i].address == address(regions[r])) return i;
    return ~size_t{0};
  }
  void classify(const std::vector<uint64_t>& roots) {
    out.assign(items.size(), {});
    std::vector<uint32_t> queue(items.size());
    std::vector<ScanMark> state(items.size());
    std::vector<fmt::ReferrerRecord> referrers(items.size() * 64 + 16);
    ReachScan scan(items.data(), items.size(), out.data(), queue.data(), state.data(),
                   referrers.data(), referrers.size());
    const size_t blocks = heap.blocks.size();
    std::vector<uint64_t> index_memory(BlockIndex::memory_bytes(items.data(), blocks) / 8 + 1);
    BlockIndex index;
    index.build(items.data(), blocks, index_memory.data());
    scan.use_index(&index);
    std::vector<uint64_t> ranges;
    for (auto [b, e] : readable) ranges.insert(ranges.end(), {b, e});
    scan.use_regions(blocks, reinterpret_cast<const uint64_t(*)[2]>(ranges.data()),
                     readable.size());
    const auto begin = reinterpret_cast<uint64_t>(roots.data());
    scan.scan_root(RootRange{begin, begin + roots.size() * 8, 0, ReferrerKind::kMemory});
    scan.run();
  }
  ReachClass block_class(size_t b) const { return static_cast<ReachClass>(out[b].reach_class); }
  ReachClass region_class(size_t r) const {
    return static_cast<ReachClass>(out[item(r)].reach_class);
  }

  FakeHeap heap;
  std::vector<std::vector<uint64_t>> regions;
  std::vector<ScanBlock> items;
  std::vector<std::pair<uint64_t, uint64_t>> readable;
  std::vector<fmt::BlockReachRecord> out;
};

TEST(ReachScan, RegionsAreClassifiedAndScannedLikeBlocks) {
  HeapWithRegions h(3, {512, 512, 512, 512});
  h.regions[0][5] = h.heap.address(0);                       // reached region -> block 0
  h.regions[1][7] = h.heap.address(1);                       // lost region -> block 1
  h.regions[1][9] = HeapWithRegions::address(h.regions[2]);  // lost region -> region 2
  std::vector<uint64_t> roots = {HeapWithRegions::address(h.regions[0]),
                                 HeapWithRegions::address(h.regions[3]) + 200};
  h.classify(roots);
  EXPECT_EQ(h.region_class(0), ReachClass::kReachable);
  EXPECT_EQ(h.block_class(0), ReachClass::kReachable);
  EXPECT_EQ(h.region_class(1), ReachClass::kUnreachable);
  EXPECT_EQ(h.block_class(1), ReachClass::kIndirect);
  EXPECT_EQ(h.region_class(2), ReachClass::kIndirect);
  EXPECT_EQ(h.region_class(3), ReachClass::kPossibly);  // only an interior pointer
  EXPECT_EQ(h.block_class(2), ReachClass::kUnreachable);
  EXPECT_EQ(h.out[0].parent_slot, reinterpret_cast<uint64_t>(&h.regions[0][5]));
}

TEST(ReachScan, OnlyTheReadablePartOfARegionIsRead) {
  HeapWithRegions h(2, {1024});
  h.regions[0][10] = h.heap.address(0);
  h.regions[0][1000] = h.heap.address(1);
  // Its second half unreadable (a guard or PROT_NONE part): the pointer there is not seen.
  h.readable[0].second = h.readable[0].first + 512 * 8;
  std::vector<uint64_t> roots = {HeapWithRegions::address(h.regions[0])};
  h.classify(roots);
  EXPECT_EQ(h.block_class(0), ReachClass::kReachable);
  EXPECT_EQ(h.block_class(1), ReachClass::kUnreachable);
}

TEST(ReachScan, HeldStackPointerInsideARegionKeepsIt) {
  HeapWithRegions h(1, {256});
  h.regions[0][3] = h.heap.address(0);
  const size_t blocks = h.heap.blocks.size();
  h.out.assign(h.items.size(), {});
  std::vector<uint32_t> queue(h.items.size());
  std::vector<ScanMark> state(h.items.size());
  std::vector<fmt::ReferrerRecord> referrers(64);
  ReachScan scan(h.items.data(), h.items.size(), h.out.data(), queue.data(), state.data(),
                 referrers.data(), referrers.size());
  const uint64_t range[1][2] = {{h.readable[0].first, h.readable[0].second}};
  scan.use_regions(blocks, range, 1);
  const uint64_t sp = HeapWithRegions::address(h.regions[0]) + 100 * 8;
  scan.hold(sp, sp, ReferrerKind::kStack, 42);
  scan.run();
  EXPECT_EQ(h.region_class(0), ReachClass::kReachable);
  EXPECT_EQ(h.out[h.item(0)].parent_kind, uint8_t(ReferrerKind::kStack));
  EXPECT_EQ(h.block_class(0), ReachClass::kReachable);
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
