#include "winimport/sections.h"

#include <cctype>

namespace leakdbg::winimport {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Annotation a person added to a saved log (markdown fences, "## note" lines): not output.
bool is_annotation(std::string_view line) {
  std::string_view t = trim(line);
  return t.starts_with("#") || t.starts_with("```");
}

bool is_summary_header(std::string_view line) {
  auto words = split_words(line);
  return words.size() >= 3 && words[0] == "Heap" && words[1] == "Flags" && words[2] == "Reserv";
}

bool is_stat_header(std::string_view line) {
  std::string_view t = trim(line);
  return t.starts_with("heap @ ") || t.starts_with("group-by:");
}

bool is_blocks_header(std::string_view line) {
  std::string_view t = trim(line);
  return (t.starts_with("address ") && t.ends_with("found in")) || t.starts_with("_HEAP @ ") ||
         t.starts_with("HEAP_ENTRY") || t.starts_with("_DPH_HEAP_ROOT @ ");
}

TextKind header_kind(std::string_view line) {
  if (is_summary_header(line)) return TextKind::kHeapSummary;
  if (is_stat_header(line)) return TextKind::kHeapStat;
  if (is_blocks_header(line)) return TextKind::kHeapBlocks;
  return TextKind::kOther;
}

}  // namespace

const char* text_kind_name(TextKind kind) {
  switch (kind) {
    case TextKind::kHeapSummary:
      return "WinDbg !heap -s";
    case TextKind::kHeapStat:
      return "WinDbg !heap -stat";
    case TextKind::kHeapBlocks:
      return "WinDbg !heap -flt/-p";
    case TextKind::kUmdhLog:
      return "UMDH log";
    case TextKind::kUmdhDiff:
      return "UMDH diff";
    case TextKind::kOther:
      break;
  }
  return "text";
}

std::optional<std::string_view> prompt_command(std::string_view line) {
  std::string_view t = trim(line);
  size_t gt = t.find('>');
  if (gt == std::string_view::npos || gt == 0) return std::nullopt;
  std::string_view prompt = t.substr(0, gt);
  // Kernel prompts: "kd", "lkd", "1: kd".
  size_t colon_space = prompt.find(": ");
  if (colon_space != std::string_view::npos && all_digits(prompt.substr(0, colon_space)))
    prompt = prompt.substr(colon_space + 2);
  bool ok = prompt == "kd" || prompt == "lkd";
  if (!ok) {
    // User-mode prompts: "0:000", "0:000:x86".
    size_t first = prompt.find(':');
    if (first != std::string_view::npos && all_digits(prompt.substr(0, first))) {
      std::string_view rest = prompt.substr(first + 1);
      size_t second = rest.find(':');
      std::string_view thread = rest.substr(0, second);
      ok = all_digits(thread);
      if (ok && second != std::string_view::npos) {
        std::string_view arch = rest.substr(second + 1);
        ok = !arch.empty() && arch.size() <= 8;
        for (char c : arch) ok = ok && std::isalnum(static_cast<unsigned char>(c));
      }
    }
  }
  if (!ok) return std::nullopt;
  return trim(t.substr(gt + 1));
}

TextKind kind_of_command(std::string_view command) {
  auto words = split_words(command);
  if (words.size() < 2 || words[0] != "!heap") return TextKind::kOther;
  std::string_view option = words[1];
  if (option == "-s" || option == "-summary") return TextKind::kHeapSummary;
  if (option == "-stat") return TextKind::kHeapStat;
  if (option == "-flt") return TextKind::kHeapBlocks;
  if (option == "-p" && words.size() >= 3 && words[2] == "-a") return TextKind::kHeapBlocks;
  return TextKind::kOther;
}

bool is_umdh_diff_record(std::string_view line) {
  // "+ 2a98c90 ( 2a98c90 -     0)  15cf4 allocs	BackTrace74050"
  std::string_view t = trim(line);
  if (t.empty() || (t[0] != '+' && t[0] != '-')) return false;
  return t.find('(') != std::string_view::npos && t.find("BackTrace") != std::string_view::npos;
}

bool is_umdh_log_record(std::string_view line) {
  // "00005320 bytes in 0x14 allocations (@ 0x00000428) by: BackTrace00B53"
  // "000001A0 bytes + 00000020 at 0016A8E8 by BackTrace00001"
  std::string_view t = trim(line);
  return t.find(" bytes ") != std::string_view::npos &&
         t.find("BackTrace") != std::string_view::npos;
}

bool is_umdh_command_line(std::string_view line) {
  std::string_view t = trim(line);
  if (size_t gt = t.find('>'); gt != std::string_view::npos && gt < 80) t = trim(t.substr(gt + 1));
  auto words = split_words(t);
  if (words.empty()) return false;
  std::string_view program = words[0];
  if (size_t slash = program.find_last_of("\\/"); slash != std::string_view::npos)
    program = program.substr(slash + 1);
  return starts_with_nocase(program, "umdh") &&
         (program.size() == 4 || starts_with_nocase(program.substr(4), ".exe"));
}

std::vector<Section> split_sections(const std::vector<Line>& lines) {
  std::vector<Section> sections;
  bool has_prompt = false;
  for (const auto& line : lines)
    if (prompt_command(line.text)) has_prompt = true;

  if (has_prompt) {
    sections.push_back({});
    for (const auto& line : lines) {
      if (auto command = prompt_command(line.text)) {
        sections.push_back({kind_of_command(*command), {}});
        continue;
      }
      if (!is_annotation(line.text)) sections.back().lines.push_back(line);
    }
    return sections;
  }

  // UMDH text is one output from start to end.
  for (const auto& line : lines) {
    if (is_umdh_diff_record(line.text)) return {{TextKind::kUmdhDiff, lines}};
    if (is_umdh_log_record(line.text) || trim(line.text).starts_with("*- - - -"))
      return {{TextKind::kUmdhLog, lines}};
  }
  sections.push_back({});
  for (const auto& line : lines) {
    if (is_annotation(line.text)) continue;
    TextKind kind = header_kind(line.text);
    // A listing names its heap again for every heap it covers: "_HEAP @" continues it.
    if (kind != TextKind::kOther && kind != sections.back().kind) sections.push_back({kind, {}});
    sections.back().lines.push_back(line);
  }
  return sections;
}

}  // namespace leakdbg::winimport
