#include "format/byte_cursor.h"

namespace leakdbg::fmt {

std::string_view ByteCursor::take(uint64_t n, const char* item) {
  if (n > remaining())
    fail(std::string("truncated: ") + item + " needs " + std::to_string(n) + " bytes at offset " +
         std::to_string(pos_) + ", only " + std::to_string(remaining()) + " left");
  std::string_view out = bytes_.substr(pos_, n);
  pos_ += n;
  return out;
}

void ByteCursor::check_count(uint64_t count, uint64_t min_size, const char* item) const {
  if (min_size != 0 && count > remaining() / min_size)
    fail(std::to_string(count) + " " + item + " cannot fit in the " + std::to_string(remaining()) +
         " bytes left");
}

void ByteCursor::expect_end() const {
  if (remaining() != 0) fail(std::to_string(remaining()) + " unexpected bytes at the end");
}

void ByteCursor::fail(const std::string& problem) const { throw Corrupt(what_ + ": " + problem); }

}  // namespace leakdbg::fmt
