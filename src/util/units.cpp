#include "util/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include "util/digits.h"

namespace leakdbg {

std::string format_bytes(uint64_t bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 6) {
    value /= 1024.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, value >= 100.0 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
  return buf;
}

std::string format_bytes_signed(int64_t bytes) {
  if (bytes == 0) return "0 B";
  uint64_t magnitude =
      bytes < 0 ? static_cast<uint64_t>(-(bytes + 1)) + 1 : static_cast<uint64_t>(bytes);
  return (bytes < 0 ? "-" : "+") + format_bytes(magnitude);
}

std::string format_count_signed(int64_t n) {
  if (n == 0) return "0";
  return (n > 0 ? "+" : "") + std::to_string(n);
}

std::string format_count_grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_hex(uint64_t value) { return "0x" + format_hex_plain(value); }

std::string format_hex_plain(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string format_duration(double seconds) {
  char buf[32];
  if (seconds < 1.0)
    std::snprintf(buf, sizeof buf, "%.0f ms", seconds * 1000.0);
  else if (seconds < 120.0)
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  else if (seconds < 7200.0)
    std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60.0);
  else
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600.0);
  return buf;
}

std::string format_percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100.0);
  return buf;
}

std::optional<uint64_t> parse_number(std::string_view text, bool default_hex) {
  // WinDbg accepts a backtick inside 64-bit addresses: 00007ff6`12345678.
  std::string cleaned;
  for (char c : text)
    if (c != '`') cleaned.push_back(c);
  std::string_view t = cleaned;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
    return parse_unsigned<uint64_t>(t.substr(2), 16);
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'n' || t[1] == 'N'))
    return parse_unsigned<uint64_t>(t.substr(2), 10);
  if (t.size() > 1 && (t.back() == 'h' || t.back() == 'H'))
    return parse_unsigned<uint64_t>(t.substr(0, t.size() - 1), 16);
  return parse_unsigned<uint64_t>(t, default_hex ? 16 : 10);
}

std::optional<uint64_t> parse_address(std::string_view text) { return parse_number(text, true); }

std::optional<uint64_t> parse_size(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0) return std::nullopt;
  std::string number(text.substr(0, i));
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return std::nullopt;
  std::string unit;
  for (char c : text.substr(i))
    unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  double scale = 1;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    scale = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    scale = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    scale = 1024.0 * 1024 * 1024;
  else
    return std::nullopt;
  double bytes = value * scale;
  if (bytes >= static_cast<double>(std::numeric_limits<uint64_t>::max())) return std::nullopt;
  if (bytes != std::floor(bytes)) return std::nullopt;  // "1.5" bytes is no size, "1.5k" is
  return static_cast<uint64_t>(bytes);
}

}  // namespace leakdbg
