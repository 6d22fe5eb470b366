#include "winimport/text_lines.h"

#include <cctype>

#include "util/digits.h"
#include "util/error.h"

namespace leakdbg::winimport {

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  size_t number = 1;
  while (!text.empty()) {
    std::string_view line = take_line(text);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back({line, number++});
  }
  return lines;
}

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

static char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(text[i]) != lower(prefix[i])) return false;
  return true;
}

bool contains_nocase(std::string_view text, std::string_view needle) {
  if (needle.empty()) return true;
  for (size_t i = 0; i + needle.size() <= text.size(); ++i)
    if (starts_with_nocase(text.substr(i), needle)) return true;
  return false;
}

std::optional<uint64_t> parse_hex(std::string_view text) {
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
    text.remove_prefix(2);
  // WinDbg splits 64-bit values with one backtick; anything else is not a number.
  size_t tick = text.find('`');
  std::string joined;
  if (tick != std::string_view::npos) {
    if (tick == 0 || tick + 1 == text.size() || text.find('`', tick + 1) != std::string_view::npos)
      return std::nullopt;
    joined = std::string(text.substr(0, tick)) + std::string(text.substr(tick + 1));
    text = joined;
  }
  return parse_unsigned<uint64_t>(text, 16);
}

std::optional<uint64_t> parse_decimal(std::string_view text) {
  return parse_unsigned<uint64_t>(text);
}

void TextSource::fail(const Line& line, const std::string& problem) const {
  throw Error(name_ + ": " + kind_ + ", line " + std::to_string(line.number) + ": " + problem);
}

void TextSource::fail_at_end(const std::string& problem) const {
  throw Error(name_ + ": " + kind_ + ", at end of text: " + problem);
}

}  // namespace leakdbg::winimport
