// Test inputs for the format tests: a model with every section filled, and a builder of
// snapshot bytes section by section (stored uncompressed or compressed, with chosen
// headers) for inputs the writer would never produce.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "format/records.h"
#include "model/heap_model.h"

namespace leakdbg::test {

// Every field set to a distinct value, every section present, blocks given out of address
// order (the reader sorts them).
HeapModel sample_model();

// n blocks at increasing addresses, for size and speed checks.
HeapModel synthetic_model(size_t blocks, size_t stacks);

// Raw file bytes, built by hand.
class SnapshotBytes {
 public:
  explicit SnapshotBytes(uint32_t version = fmt::kFormatVersion,
                         uint32_t header_size = sizeof(fmt::FileHeader));
  // Appends a section; `compress` stores it as a zstd frame. crc_delta corrupts the CRC.
  SnapshotBytes& section(uint32_t type, const std::string& raw, bool compress = true,
                         uint32_t crc_delta = 0);
  SnapshotBytes& meta(uint32_t pid = 42, const std::string& label = "");
  SnapshotBytes& end();
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Encodes a record as raw bytes.
template <typename T>
std::string raw_of(const T& value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof value);
}

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& bytes);

}  // namespace leakdbg::test
