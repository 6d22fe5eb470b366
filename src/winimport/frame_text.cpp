#include "winimport/frame_text.h"

#include <cctype>

#include "winimport/text_lines.h"

namespace leakdbg::winimport {
namespace {

bool is_hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool is_module_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
          c == '$'))
      return false;
  return true;
}

// "(e:\src\leaks.cpp, 228)" at the end: UMDH -l and WinDbg with line numbers loaded.
void take_source_suffix(std::string_view& text, SymbolicFrame& frame) {
  if (text.empty() || text.back() != ')') return;
  size_t open = text.rfind(" (");
  if (open == std::string_view::npos) return;
  std::string_view inside = text.substr(open + 2, text.size() - open - 3);
  size_t comma = inside.rfind(',');
  if (comma == std::string_view::npos) return;
  auto line = parse_decimal(trim(inside.substr(comma + 1)));
  std::string_view file = trim(inside.substr(0, comma));
  if (!line || file.empty() || *line > UINT32_MAX) return;
  frame.file = std::string(file);
  frame.line = static_cast<uint32_t>(*line);
  text = trim(text.substr(0, open));
}

// "+0x0000003e" or "+00000083" at the end; operator names keep their own '+'.
void take_offset_suffix(std::string_view& text, SymbolicFrame& frame) {
  size_t plus = text.rfind('+');
  if (plus == std::string_view::npos || plus == 0) return;
  std::string_view digits = text.substr(plus + 1);
  if (digits.empty()) return;
  auto offset = parse_hex(digits);
  if (!offset) return;
  for (char c : digits.substr(digits.starts_with("0x") || digits.starts_with("0X") ? 2 : 0))
    if (!is_hex_digit(c)) return;
  frame.offset = *offset;
  text = text.substr(0, plus);
}

}  // namespace

std::optional<SymbolicFrame> parse_frame(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  SymbolicFrame frame;
  auto words = split_words(text);
  if (words.size() == 1) {
    if (auto address = parse_hex(words[0]);
        address && words[0].find('!') == std::string_view::npos) {
      frame.address = *address;
      return frame;
    }
  }
  // A leading address belongs to the frame only if a symbol follows it.
  if (words.size() >= 2 && words[0].find('!') == std::string_view::npos) {
    if (auto address = parse_hex(words[0])) {
      frame.address = *address;
      text = trim(text.substr(words[0].size()));
    }
  }
  // Code without a module (JIT-compiled, managed): "7ffb54f18807 +0x00007ffb54f18807".
  if (frame.address != 0 && text.starts_with('+')) {
    auto offset = parse_hex(text.substr(1));
    if (!offset) return std::nullopt;
    frame.offset = *offset;
    return frame;
  }
  take_source_suffix(text, frame);
  take_offset_suffix(text, frame);
  size_t bang = text.find('!');
  std::string_view module = bang == std::string_view::npos ? text : text.substr(0, bang);
  if (!is_module_name(module)) return std::nullopt;
  frame.module = std::string(module);
  if (bang != std::string_view::npos) {
    std::string_view function = trim(text.substr(bang + 1));
    if (function.empty()) return std::nullopt;
    frame.function = std::string(function);
  } else if (frame.offset == 0 && frame.address == 0) {
    return std::nullopt;  // a bare word is not a frame
  }
  return frame;
}

bool looks_like_symbol(std::string_view text) {
  text = trim(text);
  size_t bang = text.find('!');
  if (bang == std::string_view::npos || bang == 0 || bang + 1 == text.size()) return false;
  if (!is_module_name(text.substr(0, bang))) return false;
  return split_words(text.substr(0, bang)).size() == 1;
}

}  // namespace leakdbg::winimport
