// Reading saved debugger text: lines with their numbers, hex numbers as WinDbg and UMDH
// print them, and the one-line error every importer throws on malformed input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/heap_model.h"
#include "util/text_split.h"  // split_words, for the importers

namespace leakdbg::winimport {

struct Line {
  std::string_view text;  // without the line break (and without a trailing '\r')
  size_t number = 0;      // 1-based, as an editor shows it
};

std::vector<Line> split_lines(std::string_view text);

std::string_view trim(std::string_view text);
bool starts_with_nocase(std::string_view text, std::string_view prefix);
bool contains_nocase(std::string_view text, std::string_view needle);

// Hex as both tools print it: "1b2c4568", "0x1b2c4568", "000001c2`a6a2c8f0". No sign, no
// suffix; nullopt on anything else or on overflow.
std::optional<uint64_t> parse_hex(std::string_view text);
// Plain decimal digits ("16420"); nullopt otherwise.
std::optional<uint64_t> parse_decimal(std::string_view text);

// A line where the author cut the output: "....", "...", "[...]", "<snip>", "(truncated)".
bool is_elision(std::string_view line);

// Names the input and its kind in every error, so the user sees one complete line:
// "log2.txt: UMDH diff, line 12: expected ...". Lines a parser does not understand inside
// a section it recognized are not fatal: they are counted in the notes, which every
// section of one text shares.
class TextSource {
 public:
  TextSource(std::string name, std::string kind, SourceNotes* notes = nullptr)
      : name_(std::move(name)), kind_(std::move(kind)), notes_(notes) {}
  [[noreturn]] void fail(const Line& line, const std::string& problem) const;
  [[noreturn]] void fail_at_end(const std::string& problem) const;
  void skip(const Line& line) const;
  void elision() const;
  void listing_cut_off() const;
  const std::string& kind() const { return kind_; }
  const std::string& name() const { return name_; }
  SourceNotes* notes() const { return notes_; }

 private:
  std::string name_, kind_;
  SourceNotes* notes_;
};

}  // namespace leakdbg::winimport
