// The scan's block index must answer exactly as a binary search over all blocks: the block
// containing a word (interior words included), or none.
#include "tracker/reach_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace leakdbg::tracker {
namespace {

long searched(const std::vector<ScanBlock>& blocks, uint64_t value) {
  auto after = std::upper_bound(blocks.begin(), blocks.end(), value,
                                [](uint64_t v, const ScanBlock& b) { return v < b.address; });
  if (after == blocks.begin()) return -1;
  const ScanBlock& b = *(after - 1);
  return value < block_end(b) ? static_cast<long>(after - 1 - blocks.begin()) : -1;
}

struct Indexed {
  explicit Indexed(std::vector<ScanBlock> b) : blocks(std::move(b)) {
    memory.resize(BlockIndex::memory_bytes(blocks.data(), blocks.size()) / 8 + 1);
    index.build(blocks.data(), blocks.size(), memory.data());
  }
  std::vector<ScanBlock> blocks;
  std::vector<uint64_t> memory;
  BlockIndex index;
};

// Blocks in a few far-apart regions, small and large (many pages), zero-sized, touching
// and with gaps below and above the span gap.
std::vector<ScanBlock> random_layout(std::mt19937_64& random, size_t count) {
  std::vector<ScanBlock> blocks;
  uint64_t at = 0x10000 + (random() % 4096);
  for (size_t i = 0; i < count; ++i) {
    const int kind = static_cast<int>(random() % 100);
    uint64_t size = kind < 70 ? random() % 600 : kind < 95 ? random() % 20000 : random() % 3000000;
    if (kind == 50) size = 0;
    const int gap = static_cast<int>(random() % 100);
    if (gap < 60)
      at += 16 * (random() % 3);
    else if (gap < 97)
      at += random() % 70000;
    else
      at += BlockIndex::kSpanGap + random() % (uint64_t{1} << 34);
    blocks.push_back(ScanBlock{at, size});
    at += size ? size : 1;
  }
  return blocks;
}

TEST(BlockIndex, AnswersAsABinarySearchOnRandomLayouts) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 60; ++round) {
    Indexed t(random_layout(random, 1 + random() % 3000));
    const std::vector<ScanBlock>& b = t.blocks;
    std::vector<uint64_t> probes = {
        0, 1, b.front().address - 1, block_end(b.back()), block_end(b.back()) + 4096, UINT64_MAX};
    for (const ScanBlock& block : b) {
      for (uint64_t d : {uint64_t{0}, uint64_t{1}, uint64_t{8}, block.size / 2})
        probes.push_back(block.address + d);
      probes.push_back(block.address - 1);
      probes.push_back(block_end(block) - 1);
      probes.push_back(block_end(block));
      probes.push_back((block.address & ~uint64_t{4095}) + 4096);
    }
    for (int i = 0; i < 20000; ++i)
      probes.push_back(b.front().address + random() % (block_end(b.back()) - b.front().address));
    for (uint64_t v : probes) ASSERT_EQ(t.index.find(v), searched(b, v)) << round << " " << v;
  }
}

// glibc's layout: chunks 16-byte aligned and at least 32 bytes apart, requested sizes that
// end anywhere in the chunk. Every byte from just below each block to just past it: the
// block's first and last byte and every interior byte are found, one past the end never.
TEST(BlockIndex, EveryByteOfEveryBlockAndNoBytePastOne) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 20; ++round) {
    std::vector<ScanBlock> blocks;
    // Starts 16-aligned, or 8 past (a start above a word of the same granule).
    uint64_t at = 0x7f0000000000 + 16 * (random() % 64) + (round % 2 ? 8 : 0);
    for (int i = 0; i < 400; ++i) {
      const int kind = static_cast<int>(random() % 100);
      const uint64_t size = kind < 80 ? 1 + random() % 120 : kind < 98 ? random() % 5000 : 70000;
      blocks.push_back(ScanBlock{at, size});
      uint64_t chunk = (size + 8 + 15) & ~uint64_t{15};
      if (chunk < 32) chunk = 32;
      at += chunk + (random() % 4 == 0 ? 16 * (random() % 200) : 0);
    }
    Indexed t(blocks);
    for (size_t i = 0; i < blocks.size(); ++i) {
      const ScanBlock& b = blocks[i];
      const uint64_t step = b.size > 4096 ? 7 : 1;
      for (uint64_t v = b.address; v < block_end(b); v += step)
        ASSERT_EQ(t.index.find(v), static_cast<long>(i)) << round << " " << v;
      ASSERT_EQ(t.index.find(block_end(b) - 1), static_cast<long>(i));
      for (uint64_t v = b.address - 16; v < b.address; ++v)
        ASSERT_EQ(t.index.find(v), searched(blocks, v)) << round << " " << v;
      for (uint64_t v = block_end(b); v < block_end(b) + 24; ++v)
        ASSERT_EQ(t.index.find(v), searched(blocks, v)) << round << " " << v;
      ASSERT_NE(t.index.find(block_end(b)), static_cast<long>(i));
    }
  }
}

// The two steps a batched caller uses give find()'s answers.
TEST(BlockIndex, CandidateThenConfirmIsFind) {
  std::mt19937_64 random(5);
  Indexed t(random_layout(random, 2000));
  const std::vector<ScanBlock>& b = t.blocks;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t v =
        b.front().address - 64 + random() % (block_end(b.back()) - b.front().address + 128);
    ASSERT_EQ(t.index.confirm(t.index.candidate(v), v), t.index.find(v));
    ASSERT_EQ(t.index.find(v), searched(b, v));
    ASSERT_EQ(t.index.in_range(v), v >= b.front().address && v < block_end(b.back()));
  }
}

// What the index proves alone (the word inside the candidate, at its first byte) is never
// wrong, and it proves most words of glibc-like layouts, whose bounds then need no read.
TEST(BlockIndex, WhatTheIndexProvesIsWhatTheBlocksSay) {
  std::mt19937_64 random(13);
  for (int round = 0; round < 40; ++round) {
    std::vector<ScanBlock> blocks = random_layout(random, 1 + random() % 2000);
    if (round % 2) {  // glibc's: 16-byte aligned starts, at least 32 bytes apart
      uint64_t at = 0x7f0000000000;
      for (ScanBlock& b : blocks) {
        b.address = at;
        at += std::max<uint64_t>(32, (b.size + 8 + 15) & ~uint64_t{15}) + 16 * (random() % 3);
      }
    }
    Indexed t(blocks);
    const std::vector<ScanBlock>& b = t.blocks;
    uint64_t inside = 0, proven = 0;
    for (int i = 0; i < 50000; ++i) {
      const uint64_t v =
          b.front().address - 64 + random() % (block_end(b.back()) - b.front().address + 128);
      unsigned proof = 0;
      const long at = t.index.candidate(v, &proof);
      const long found = searched(b, v);
      if (found >= 0) ++inside;
      if (!(proof & BlockIndex::kInside)) {
        ASSERT_EQ(proof, 0u);
        continue;
      }
      ++proven;
      ASSERT_EQ(at, found) << round << " " << v;
      ASSERT_EQ((proof & BlockIndex::kAtStart) != 0, v == b[at].address) << round << " " << v;
    }
    // Starts at the first byte of a block are proven too.
    for (size_t i = 0; i < b.size(); ++i) {
      unsigned proof = 0;
      const long at = t.index.candidate(b[i].address, &proof);
      if (proof & BlockIndex::kInside) {
        ASSERT_EQ(at, static_cast<long>(i));
        ASSERT_TRUE(proof & BlockIndex::kAtStart);
      }
    }
    if (round % 2) {
      EXPECT_GT(proven, inside * 7 / 10) << round;
    }
  }
}

TEST(BlockIndex, FarApartBlocksMakeSeparateSpansOfLittleMemory) {
  std::vector<ScanBlock> blocks = {
      {0x1000, 64}, {0x1040, 64}, {uint64_t{1} << 40, 32}, {(uint64_t{1} << 44) + 8, 16}};
  const size_t bytes = BlockIndex::memory_bytes(blocks.data(), blocks.size());
  EXPECT_LT(bytes, 256u);
  Indexed t(blocks);
  EXPECT_EQ(t.index.span_count(), 3u);
  EXPECT_EQ(t.index.find(0x1040 + 63), 1);
  EXPECT_EQ(t.index.find((uint64_t{1} << 40) + 31), 2);
  EXPECT_EQ(t.index.find((uint64_t{1} << 40) + 32), -1);
  EXPECT_EQ(t.index.find((uint64_t{1} << 44) + 8), 3);
  EXPECT_EQ(t.index.find(uint64_t{1} << 42), -1);
}

// Words are checked against the widest span first: a smaller span below it and another
// above it are still found, and the gaps between them find nothing.
TEST(BlockIndex, SpansBesideTheWidestAreFound) {
  std::vector<ScanBlock> blocks = {{0x1000, 32}};
  for (uint64_t a = 0x100000; a < 0x100000 + 64 * 1024; a += 64) blocks.push_back({a, 48});
  blocks.push_back({uint64_t{1} << 40, 32});
  Indexed t(blocks);
  EXPECT_EQ(t.index.span_count(), 3u);
  EXPECT_EQ(t.index.find(0x1000 + 31), 0);
  EXPECT_EQ(t.index.find(0x1000 + 32), -1);
  EXPECT_EQ(t.index.find(0x100000 + 64 * 5 + 8), 6);
  EXPECT_EQ(t.index.find(0x100000 + 64 * 5 + 48), -1);
  EXPECT_EQ(t.index.find(0x80000), -1);
  EXPECT_EQ(t.index.find((uint64_t{1} << 40) + 16), static_cast<long>(blocks.size() - 1));
  EXPECT_EQ(t.index.find((uint64_t{1} << 39)), -1);
}

TEST(BlockIndex, ALargeBlockCoversEveryPageItSpans) {
  std::vector<ScanBlock> blocks = {{0x10010, 16}, {0x10100, 10 << 20}, {0x10100 + (10 << 20), 8}};
  Indexed t(blocks);
  for (uint64_t v = 0x10100; v < 0x10100 + (10 << 20); v += 4093) EXPECT_EQ(t.index.find(v), 1);
  EXPECT_EQ(t.index.find(0x10100 + (10 << 20)), 2);
  EXPECT_EQ(t.index.find(0x10020), -1);
}

TEST(BlockIndex, NoBlocksFindNothing) {
  Indexed t({});
  EXPECT_EQ(t.index.find(0x1000), -1);
  EXPECT_EQ(t.index.span_count(), 0u);
}

}  // namespace
}  // namespace leakdbg::tracker
