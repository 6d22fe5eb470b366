// The variable-length integers of the version-2 blocks payload (docs/snapshot-format.md,
// "Varints"): LEB128, 7 bits a byte, least significant group first, the high bit set on every
// byte but the last; at most 10 bytes, and always the shortest form. Signed differences are
// zigzag-mapped first so that small negative numbers stay short.
#pragma once

#include <cstddef>
#include <cstdint>

namespace leakdbg::fmt {

inline constexpr size_t kMaxVarintBytes = 10;

// Writes `value` at `out`; returns the bytes written (1-10).
inline size_t put_varint(uint8_t* out, uint64_t value) {
  size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<uint8_t>(value | 0x80);
    value >>= 7;
  }
  out[n++] = static_cast<uint8_t>(value);
  return n;
}

// Differences are taken modulo 2^64 and read as two's complement: every pair of u64 values
// has one, and adding it back gives the second value exactly.
inline uint64_t zigzag(uint64_t difference) { return (difference << 1) ^ (0 - (difference >> 63)); }
inline uint64_t unzigzag(uint64_t encoded) { return (encoded >> 1) ^ (0 - (encoded & 1)); }

enum class VarintStatus { kOk, kTruncated, kOverlong };

// Reads one varint from [*at, end); advances *at past it on success. kOverlong: more than 10
// bytes, a value beyond 64 bits, or a longer form than needed (a last byte of 0).
inline VarintStatus get_varint(const uint8_t** at, const uint8_t* end, uint64_t* value) {
  const uint8_t* p = *at;
  uint64_t result = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (p == end) return VarintStatus::kTruncated;
    const uint8_t byte = *p++;
    if (i == kMaxVarintBytes - 1 && byte > 1) return VarintStatus::kOverlong;
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if (!(byte & 0x80)) {
      if (byte == 0 && i > 0) return VarintStatus::kOverlong;
      *at = p;
      *value = result;
      return VarintStatus::kOk;
    }
  }
  return VarintStatus::kOverlong;
}

}  // namespace leakdbg::fmt
