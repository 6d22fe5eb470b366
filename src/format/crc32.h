// CRC-32 (IEEE 802.3, the zlib/gzip polynomial) of section payloads. Written here rather
// than taken from zlib so that the writer, which runs inside the tracked program, links
// nothing but zstd.
#pragma once

#include <cstddef>
#include <cstdint>

namespace leakdbg::fmt {

// Continues a CRC over more bytes: crc32_update(0, all) == crc32_update(crc32_update(0, a), b)
// when all = a + b. crc32_update(0, "123456789", 9) == 0xCBF43926.
uint32_t crc32_update(uint32_t crc, const void* data, size_t size);

}  // namespace leakdbg::fmt
