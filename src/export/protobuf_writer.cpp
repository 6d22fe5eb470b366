#include "export/protobuf_writer.h"

namespace leakdbg::exporter {

void ProtobufWriter::varint(uint64_t value) {
  while (value >= 0x80) {
    bytes_.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  bytes_.push_back(static_cast<char>(value));
}

void ProtobufWriter::varint_field(uint32_t number, uint64_t value) {
  key(number, 0);
  varint(value);
}

void ProtobufWriter::bytes_field(uint32_t number, std::string_view bytes) {
  key(number, 2);
  varint(bytes.size());
  bytes_.append(bytes);
}

void ProtobufWriter::packed_field(uint32_t number, std::span<const uint64_t> values) {
  if (values.empty()) return;
  ProtobufWriter packed;
  for (uint64_t v : values) packed.varint(v);
  bytes_field(number, packed.bytes());
}

void ProtobufWriter::packed_field(uint32_t number, std::span<const int64_t> values) {
  if (values.empty()) return;
  ProtobufWriter packed;
  for (int64_t v : values) packed.varint(static_cast<uint64_t>(v));
  bytes_field(number, packed.bytes());
}

}  // namespace leakdbg::exporter
