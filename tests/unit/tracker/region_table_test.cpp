#include "tracker/region_table.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "format/records.h"

namespace leakdbg::tracker {
namespace {

Region anonymous(uintptr_t address, uint64_t length, uint32_t stack = 1) {
  Region r;
  r.address = address;
  r.length = length;
  r.stack_id = stack;
  r.flags = fmt::kRegionAnonymous;
  return r;
}

std::vector<Region> contents(RegionTable& table) {
  ByteBuffer buffer;
  EXPECT_TRUE(table.copy_to(buffer));
  const auto* begin = reinterpret_cast<const Region*>(buffer.data());
  return std::vector<Region>(begin, begin + buffer.size() / sizeof(Region));
}

TEST(RegionTable, MunmapTrimsSplitsAndRemoves) {
  static RegionTable table;
  ASSERT_TRUE(table.add(anonymous(0x10000, 0x10000)));
  ASSERT_TRUE(table.add(anonymous(0x40000, 0x4000)));
  EXPECT_EQ(table.anonymous_bytes(), 0x14000u);

  table.remove_range(0x14000, 0x2000);  // split the first
  auto r = contents(table);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].address, 0x10000u);
  EXPECT_EQ(r[0].length, 0x4000u);
  EXPECT_EQ(r[1].address, 0x16000u);
  EXPECT_EQ(r[1].length, 0xA000u);
  EXPECT_EQ(table.anonymous_bytes(), 0x12000u);

  table.remove_range(0x1F000, 0x25000);  // tail of the middle one and the whole last one
  r = contents(table);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].length, 0x9000u);
  EXPECT_EQ(table.anonymous_bytes(), 0xD000u);

  table.remove_range(0x0, 0x12000);  // head of the first
  r = contents(table);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].address, 0x12000u);
  EXPECT_EQ(r[0].length, 0x2000u);
  table.clear_for_tests();
}

TEST(RegionTable, FixedMappingReplacesWhatItCovers) {
  static RegionTable table;
  ASSERT_TRUE(table.add(anonymous(0x10000, 0x10000, 1)));
  ASSERT_TRUE(table.add(anonymous(0x18000, 0x1000, 2)));
  auto r = contents(table);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1].stack_id, 2u);
  EXPECT_EQ(table.anonymous_bytes(), 0x10000u);
  Region found;
  EXPECT_TRUE(table.find(0x18000, &found));
  EXPECT_FALSE(table.find(0x18001, &found));
  table.clear_for_tests();
}

TEST(RegionTable, FileMappingsDoNotCountAsAnonymousBytes) {
  static RegionTable table;
  Region file = anonymous(0x10000, 0x1000);
  file.flags = fmt::kRegionFile;
  ASSERT_TRUE(table.add(file));
  EXPECT_EQ(table.anonymous_bytes(), 0u);
  EXPECT_EQ(table.count(), 1u);
  table.clear_for_tests();
}

}  // namespace
}  // namespace leakdbg::tracker
