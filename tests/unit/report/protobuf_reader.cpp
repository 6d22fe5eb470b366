#include "protobuf_reader.h"

#include <zlib.h>

#include <stdexcept>

namespace testpb {

namespace {

uint64_t read_varint(const std::string& s, size_t& at) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= s.size()) throw std::runtime_error("truncated varint");
    auto byte = static_cast<unsigned char>(s[at++]);
    value |= uint64_t{byte & 0x7fu} << shift;
    if (!(byte & 0x80)) return value;
  }
  throw std::runtime_error("varint too long");
}

}  // namespace

std::vector<Field> parse(const std::string& message) {
  std::vector<Field> fields;
  size_t at = 0;
  while (at < message.size()) {
    uint64_t key = read_varint(message, at);
    Field f;
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire_type = static_cast<uint32_t>(key & 7);
    if (f.wire_type == 0) {
      f.varint = read_varint(message, at);
    } else if (f.wire_type == 2) {
      uint64_t length = read_varint(message, at);
      if (length > message.size() - at) throw std::runtime_error("truncated field");
      f.bytes = message.substr(at, length);
      at += length;
    } else {
      throw std::runtime_error("unexpected wire type");
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

std::vector<uint64_t> packed_varints(const std::string& bytes) {
  std::vector<uint64_t> values;
  size_t at = 0;
  while (at < bytes.size()) values.push_back(read_varint(bytes, at));
  return values;
}

std::vector<Field> fields_numbered(const std::vector<Field>& fields, uint32_t number) {
  std::vector<Field> out;
  for (const Field& f : fields)
    if (f.number == number) out.push_back(f);
  return out;
}

std::string gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      inflateEnd(&stream);
      throw std::runtime_error("not gzip data");
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return out;
}

}  // namespace testpb
