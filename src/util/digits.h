// Digits and nothing else: the numbers of kernel and debugger text, where a sign, a "0x"
// prefix or a space means the text is not what it claims to be.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>
#include <type_traits>

namespace leakdbg {

// Parses all of `text` as an unsigned number in `base`; nullopt if empty, if anything but
// digits of that base is present, or on overflow of T.
template <typename T>
std::optional<T> parse_unsigned(std::string_view text, int base = 10) {
  static_assert(std::is_unsigned_v<T>);
  T value{};
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace leakdbg
