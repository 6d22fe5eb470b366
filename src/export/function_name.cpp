#include "export/function_name.h"

#include <cctype>
#include <string_view>

namespace leakdbg::exporter {

namespace {

constexpr std::string_view kAnonymous = "(anonymous namespace)";

bool at(const std::string& text, size_t i, std::string_view word) {
  return text.compare(i, word.size(), word) == 0;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Index of the ')' closing the '(' at `open`, or npos.
size_t closing_paren(const std::string& text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return i;
  }
  return std::string::npos;
}

}  // namespace

std::string short_function_name(const std::string& name) {
  std::string out;
  // Spaces that separate a return type from the name, as opposed to those inside the kept
  // pieces ("(anonymous namespace)", "operator new", lambda names).
  size_t last_separator = std::string::npos;
  int angle = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (angle == 0 && at(name, i, kAnonymous)) {
      out += kAnonymous;
      i += kAnonymous.size() - 1;
      continue;
    }
    if (angle == 0 && at(name, i, "decltype (")) {  // a return type: left out
      size_t close = closing_paren(name, i + 9);
      if (close == std::string::npos) break;
      i = close;
      continue;
    }
    if (angle == 0 && at(name, i, "operator") &&
        (i + 8 >= name.size() || !word_char(name[i + 8])) && (i == 0 || !word_char(name[i - 1]))) {
      size_t end = i + 8;
      if (at(name, end, "()")) end += 2;
      while (end < name.size() && name[end] != '(') ++end;
      out += name.substr(i, end - i);
      i = end - 1;
      continue;
    }
    if (angle == 0 && c == '{') {  // "{lambda(int)#1}" stays whole
      size_t close = name.find('}', i);
      size_t stop = close == std::string::npos ? name.size() : close + 1;
      out += name.substr(i, stop - i);
      i = stop - 1;
      continue;
    }
    if (c == '<') {
      ++angle;
      continue;
    }
    if (c == '>' && angle > 0) {
      --angle;
      continue;
    }
    if (angle > 0) continue;
    if (c == '(') break;
    if (c == ' ') last_separator = out.size();
    out.push_back(c);
  }
  if (last_separator != std::string::npos) out.erase(0, last_separator + 1);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? name : out;
}

}  // namespace leakdbg::exporter
