#include <gtest/gtest.h>
#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "format/records.h"
#include "tracker/glibc_heap.h"

namespace leakdbg::tracker {
namespace {

std::vector<fmt::ArenaRecord> parse(const std::string& xml) {
  ByteBuffer out;
  EXPECT_TRUE(parse_malloc_info(xml.data(), xml.size(), out));
  const auto* begin = reinterpret_cast<const fmt::ArenaRecord*>(out.data());
  return std::vector<fmt::ArenaRecord>(begin, begin + out.size() / sizeof(fmt::ArenaRecord));
}

TEST(MallocInfo, ParsesHeapsAndIgnoresTotals) {
  const std::string xml =
      "<malloc version=\"1\">\n<heap nr=\"0\">\n<sizes>\n"
      "  <size from=\"33\" to=\"48\" total=\"48\" count=\"1\"/>\n</sizes>\n"
      "<total type=\"fast\" count=\"2\" size=\"96\"/>\n"
      "<total type=\"rest\" count=\"3\" size=\"4000\"/>\n"
      "<system type=\"current\" size=\"135168\"/>\n<system type=\"max\" size=\"200000\"/>\n"
      "<aspace type=\"total\" size=\"135168\"/>\n<aspace type=\"mprotect\" size=\"135168\"/>\n"
      "</heap>\n<heap nr=\"1\">\n<sizes>\n</sizes>\n"
      "<total type=\"fast\" count=\"0\" size=\"0\"/>\n"
      "<total type=\"rest\" count=\"1\" size=\"70000\"/>\n"
      "<system type=\"current\" size=\"135168\"/>\n<system type=\"max\" size=\"135168\"/>\n"
      "<aspace type=\"total\" size=\"135168\"/>\n<aspace type=\"mprotect\" size=\"139264\"/>\n"
      "</heap>\n<total type=\"fast\" count=\"2\" size=\"96\"/>\n"
      "<system type=\"current\" size=\"270336\"/>\n</malloc>\n";
  auto arenas = parse(xml);
  ASSERT_EQ(arenas.size(), 2u);
  EXPECT_EQ(arenas[0].index, 0u);
  EXPECT_EQ(arenas[0].is_main, 1);
  EXPECT_EQ(arenas[0].free_fast_count, 2u);
  EXPECT_EQ(arenas[0].free_fast_bytes, 96u);
  EXPECT_EQ(arenas[0].free_rest_count, 3u);
  EXPECT_EQ(arenas[0].free_rest_bytes, 4000u);
  EXPECT_EQ(arenas[0].system_current, 135168u);
  EXPECT_EQ(arenas[0].system_max, 200000u);
  EXPECT_EQ(arenas[1].index, 1u);
  EXPECT_EQ(arenas[1].is_main, 0);
  EXPECT_EQ(arenas[1].aspace_mprotect, 139264u);
}

TEST(MallocInfo, TruncatedHeapIsAnError) {
  const std::string xml = "<malloc version=\"1\">\n<heap nr=\"0\">\n<total type=\"fast\"";
  ByteBuffer out;
  EXPECT_FALSE(parse_malloc_info(xml.data(), xml.size(), out));
}

TEST(MallocInfo, GarbageGivesNoArenas) {
  EXPECT_TRUE(parse("").empty());
  EXPECT_TRUE(parse("<heap nr=\"</heap>").size() <= 1);
}

// The live allocator agrees with what the tracker reads from chunk headers.
TEST(ChunkHeader, UsableSizeAndMmappedFlagMatchGlibc) {
  // A fixed threshold: glibc otherwise starts at 128 KiB and raises it after the first
  // mmapped chunk is freed, so whether 200000 bytes is mmapped depends on test order.
  ASSERT_EQ(mallopt(M_MMAP_THRESHOLD, 1 << 20), 1);
  // Earlier tests may have left megabytes free at the top of the heap, which would serve
  // the 5 MB block without mmap: give them back first.
  malloc_trim(0);
  for (size_t size : {1u, 24u, 100u, 1000u, 200000u, 5000000u}) {
    void* p = std::malloc(size);
    ChunkFacts facts = read_chunk(reinterpret_cast<uintptr_t>(p));
    EXPECT_EQ(facts.usable, malloc_usable_size(p)) << size;
    EXPECT_EQ(facts.mmapped, size >= 5000000u) << size;
    EXPECT_EQ(facts.arena, 0u) << "main-thread blocks belong to the main arena";
    std::free(p);
  }
}

TEST(ChunkHeader, ThreadArenaIsFoundAndPlacedInMallocInfoOrder) {
  void* p = nullptr;
  std::thread([&p] { p = std::malloc(100); }).join();
  ChunkFacts facts = read_chunk(reinterpret_cast<uintptr_t>(p));
  ASSERT_NE(facts.arena, 0u);
  uintptr_t ring[64];
  int count = arena_ring(facts.arena, ring, 64);
  ASSERT_GE(count, 2);
  bool found = false;
  for (int i = 1; i < count; ++i) found |= ring[i] == facts.arena;
  EXPECT_TRUE(found);
  ByteBuffer records;
  ASSERT_TRUE(collect_arena_records(ring, count, records));
  EXPECT_EQ(records.size() / sizeof(fmt::ArenaRecord), static_cast<size_t>(count));
  std::free(p);
}

}  // namespace
}  // namespace leakdbg::tracker
