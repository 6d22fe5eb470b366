#include "util/number_style.h"

#include "util/units.h"

namespace leakdbg {

namespace {

std::string signed_hex(int64_t n) {
  if (n == 0) return "0";
  uint64_t magnitude = n < 0 ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  return (n < 0 ? "-" : "+") + format_hex_plain(magnitude);
}

}  // namespace

std::string NumberStyle::bytes(uint64_t n) const {
  return hex ? format_hex_plain(n) : format_bytes(n);
}
std::string NumberStyle::count(uint64_t n) const {
  return hex ? format_hex_plain(n) : std::to_string(n);
}
std::string NumberStyle::size(uint64_t n) const { return count(n); }
std::string NumberStyle::bytes_change(int64_t n) const {
  return hex ? signed_hex(n) : format_bytes_signed(n);
}
std::string NumberStyle::count_change(int64_t n) const {
  return hex ? signed_hex(n) : format_count_signed(n);
}

}  // namespace leakdbg
