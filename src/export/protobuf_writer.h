// The protobuf wire format, written by hand: varints and length-delimited fields are all
// profile.proto needs, so a code generator and its runtime would buy nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace leakdbg::exporter {

class ProtobufWriter {
 public:
  // Field `number` with wire type 0 (varint). Negative int64 values take ten bytes, as
  // protobuf encodes them (two's complement, no zigzag for int64).
  void varint_field(uint32_t number, uint64_t value);
  void int64_field(uint32_t number, int64_t value) {
    varint_field(number, static_cast<uint64_t>(value));
  }
  // Field `number` with wire type 2: a string, bytes, or an embedded message.
  void bytes_field(uint32_t number, std::string_view bytes);
  void message_field(uint32_t number, const ProtobufWriter& message) {
    bytes_field(number, message.bytes());
  }
  // A packed repeated varint field (wire type 2 holding the varints back to back).
  void packed_field(uint32_t number, std::span<const uint64_t> values);
  void packed_field(uint32_t number, std::span<const int64_t> values);

  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

 private:
  void varint(uint64_t value);
  void key(uint32_t number, uint32_t wire_type) { varint((uint64_t{number} << 3) | wire_type); }

  std::string bytes_;
};

}  // namespace leakdbg::exporter
