#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {
namespace {

TEST(ByteBuffer, GrowsAndKeepsContents) {
  ByteBuffer buffer;
  std::string expected;
  for (int i = 0; i < 100000; ++i) {
    std::string piece = std::to_string(i) + ",";
    ASSERT_TRUE(buffer.append(piece.data(), piece.size()));
    expected += piece;
  }
  ASSERT_EQ(buffer.size(), expected.size());
  EXPECT_EQ(std::memcmp(buffer.data(), expected.data(), expected.size()), 0);
}

TEST(ByteBuffer, EmptyAppendsSucceedOnAnEmptyBuffer) {
  ByteBuffer buffer;
  EXPECT_TRUE(buffer.append("", 0));
  EXPECT_NE(buffer.extend(0), nullptr);
  EXPECT_EQ(buffer.size(), 0u);
}

TEST(RawMemory, MappedBytesFollowMapAndUnmap) {
  size_t before = mapped_bytes();
  void* p = map_pages(10000);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(mapped_bytes() - before, round_up_to_pages(10000));
  unmap_pages(p, 10000);
  EXPECT_EQ(mapped_bytes(), before);
}

}  // namespace
}  // namespace leakdbg::tracker
