#include "export/protobuf_writer.h"

#include <gtest/gtest.h>

#include "protobuf_reader.h"

namespace leakdbg::exporter {
namespace {

TEST(ProtobufWriter, VarintsAsTheWireFormatSpecifies) {
  ProtobufWriter w;
  w.varint_field(1, 150);  // the protobuf documentation's example: 08 96 01
  EXPECT_EQ(w.bytes(), std::string("\x08\x96\x01", 3));
}

TEST(ProtobufWriter, NegativeInt64TakesTenBytes) {
  ProtobufWriter w;
  w.int64_field(2, -1);
  ASSERT_EQ(w.bytes().size(), 11u);  // key + 10 bytes
  auto fields = testpb::parse(w.bytes());
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(static_cast<int64_t>(fields[0].varint), -1);
}

TEST(ProtobufWriter, LengthDelimitedAndPackedFields) {
  ProtobufWriter inner;
  inner.varint_field(1, 7);
  ProtobufWriter w;
  w.bytes_field(3, "hello");
  w.message_field(4, inner);
  std::vector<uint64_t> values{1, 300, 1ull << 40};
  w.packed_field(5, values);
  std::vector<uint64_t> empty;
  w.packed_field(6, empty);  // an empty packed field is left out
  auto fields = testpb::parse(w.bytes());
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].number, 3u);
  EXPECT_EQ(fields[0].bytes, "hello");
  EXPECT_EQ(testpb::parse(fields[1].bytes)[0].varint, 7u);
  EXPECT_EQ(testpb::packed_varints(fields[2].bytes), values);
}

}  // namespace
}  // namespace leakdbg::exporter
