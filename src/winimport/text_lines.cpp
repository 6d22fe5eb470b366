#include "winimport/text_lines.h"

#include <cctype>

#include "util/digits.h"
#include "util/error.h"

namespace leakdbg::winimport {

std::vector<Line> split_lines(std::string_view text) {
  // CRLF, LF and a lone CR (old editors, logs pasted together) each end one line.
  std::vector<Line> lines;
  size_t number = 1;
  while (!text.empty()) {
    size_t end = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, end);
    if (end == std::string_view::npos) {
      text = {};
    } else {
      size_t next = end + 1;
      if (text[end] == '\r' && next < text.size() && text[next] == '\n') ++next;
      text.remove_prefix(next);
    }
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

bool is_elision(std::string_view line) {
  std::string_view t = trim(line);
  while (!t.empty() && std::string_view("([<{").find(t.front()) != std::string_view::npos)
    t.remove_prefix(1);
  while (!t.empty() && std::string_view(")]>}").find(t.back()) != std::string_view::npos)
    t.remove_suffix(1);
  t = trim(t);
  if (t.starts_with("...") || t.starts_with("\xE2\x80\xA6")) return true;  // "..." or U+2026
  return starts_with_nocase(t, "snip") || starts_with_nocase(t, "truncated") ||
         starts_with_nocase(t, "omitted");
}

void TextSource::skip(const Line& line) const {
  if (!notes_) return;
  if (notes_->skipped_lines++ == 0) {
    notes_->first_skipped_line = line.number;
    notes_->first_skipped_text = std::string(trim(line.text).substr(0, 120));
  }
}

void TextSource::elision() const {
  if (notes_) ++notes_->elisions;
}

void TextSource::listing_cut_off() const {
  if (notes_) notes_->listing_cut_off = true;
}

void TextSource::fail(const Line& line, const std::string& problem) const {
  throw Error(name_ + ": " + kind_ + ", line " + std::to_string(line.number) + ": " + problem);
}

void TextSource::fail_at_end(const std::string& problem) const {
  throw Error(name_ + ": " + kind_ + ", at end of text: " + problem);
}

}  // namespace leakdbg::winimport
