// A minimal protobuf reader for the tests: splits a message into its fields, so that the
// encoder's output is checked against the wire format rather than against itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace testpb {

struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t varint = 0;  // wire type 0
  std::string bytes;    // wire type 2
};

// Throws std::runtime_error on malformed input.
std::vector<Field> parse(const std::string& message);
std::vector<uint64_t> packed_varints(const std::string& bytes);
std::vector<Field> fields_numbered(const std::vector<Field>& fields, uint32_t number);
std::string gunzip(const std::string& data);

}  // namespace testpb
