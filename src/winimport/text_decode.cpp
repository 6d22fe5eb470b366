#include "winimport/text_decode.h"

#include <algorithm>
#include <cstdint>

namespace leakdbg::winimport {
namespace {

enum class Encoding { kUtf8, kUtf16Le, kUtf16Be };

// ASCII text saved as UTF-16 without a mark: NULs in the high byte of most characters.
Encoding guess_unmarked(std::string_view raw) {
  size_t pairs = std::min<size_t>(raw.size() / 2, 64);
  if (pairs < 4) return Encoding::kUtf8;
  size_t even_nul = 0, odd_nul = 0;
  for (size_t i = 0; i < pairs; ++i) {
    if (raw[2 * i] == '\0') ++even_nul;
    if (raw[2 * i + 1] == '\0') ++odd_nul;
  }
  if (odd_nul * 4 >= pairs * 3 && even_nul == 0) return Encoding::kUtf16Le;
  if (even_nul * 4 >= pairs * 3 && odd_nul == 0) return Encoding::kUtf16Be;
  return Encoding::kUtf8;
}

void append_utf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

std::string from_utf16(std::string_view raw, bool little_endian) {
  constexpr uint32_t kReplacement = 0xFFFD;
  auto unit = [&](size_t i) -> uint32_t {
    auto lo = static_cast<uint8_t>(raw[i + (little_endian ? 0 : 1)]);
    auto hi = static_cast<uint8_t>(raw[i + (little_endian ? 1 : 0)]);
    return static_cast<uint32_t>(hi) << 8 | lo;
  };
  std::string out;
  out.reserve(raw.size() / 2);
  size_t units = raw.size() / 2;
  for (size_t k = 0; k < units; ++k) {
    uint32_t u = unit(2 * k);
    if (u >= 0xD800 && u <= 0xDBFF && k + 1 < units) {
      uint32_t next = unit(2 * (k + 1));
      if (next >= 0xDC00 && next <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (next - 0xDC00));
        ++k;
        continue;
      }
    }
    append_utf8(out, u >= 0xD800 && u <= 0xDFFF ? kReplacement : u);
  }
  return out;
}

}  // namespace

std::string decode_text(std::string_view raw) {
  if (raw.starts_with("\xEF\xBB\xBF")) return std::string(raw.substr(3));
  if (raw.starts_with("\xFF\xFE")) return from_utf16(raw.substr(2), true);
  if (raw.starts_with("\xFE\xFF")) return from_utf16(raw.substr(2), false);
  switch (guess_unmarked(raw)) {
    case Encoding::kUtf16Le:
      return from_utf16(raw, true);
    case Encoding::kUtf16Be:
      return from_utf16(raw, false);
    case Encoding::kUtf8:
      break;
  }
  return std::string(raw);
}

}  // namespace leakdbg::winimport
