// Number formatting shared by every table: bytes with binary units, hex addresses,
// signed changes. Text output is decimal with units by default; --hex gives WinDbg habits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leakdbg {

std::string format_bytes(uint64_t bytes);        // "512 B", "14.1 MiB"
std::string format_bytes_signed(int64_t bytes);  // "+14.1 MiB", "-2.0 KiB", "0 B"
std::string format_count_signed(int64_t n);      // "+12", "-3", "0"
std::string format_count_grouped(uint64_t n);    // "89,332" (sentences, not tables)
std::string format_hex(uint64_t value);          // "0x7f12ab"
std::string format_hex_plain(uint64_t value);    // "7f12ab" (WinDbg style)
std::string format_duration(double seconds);     // "850 ms", "12.3 s", "4.2 min"
std::string format_percent(double fraction);     // 0.1234 -> "12.3%"

// Parses "123", "0x7b", "0n123" (decimal), "7bh"; `default_hex` decides bare digits
// (WinDbg reads bare numbers as hex). Returns nullopt on anything malformed or overflowing.
std::optional<uint64_t> parse_number(std::string_view text, bool default_hex = false);

// Parses an address the way WinDbg reads one, so that every place a user types an address
// (command line and prompt) agrees: hex by default ("7ff6a2c8"), "0x" hex, "0n" decimal,
// "h" suffix hex, backticks ignored ("00007ff6`a2c8f0"). nullopt if malformed or too large.
std::optional<uint64_t> parse_address(std::string_view text);

// Parses sizes such as "4096", "64k", "1.5M", "2GiB" (binary units). nullopt if malformed
// or not a whole number of bytes ("1.5", "0.1k").
std::optional<uint64_t> parse_size(std::string_view text);

}  // namespace leakdbg
