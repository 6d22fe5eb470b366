#include "report/source_excerpt.h"

#include <filesystem>
#include <fstream>

namespace leakdbg::report {

std::optional<SourceExcerpt> source_excerpt(const std::string& file, uint32_t line,
                                            uint32_t context) {
  constexpr size_t kMaxLineChars = 400;
  if (file.empty() || line == 0) return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file);
  if (!in) return std::nullopt;
  SourceExcerpt excerpt;
  excerpt.file = file;
  excerpt.line = line;
  excerpt.first_line = line > context ? line - context : 1;
  std::string text;
  for (uint32_t number = 1; number <= line + context && std::getline(in, text); ++number) {
    if (number < excerpt.first_line) continue;
    if (text.size() > kMaxLineChars) text.resize(kMaxLineChars);
    excerpt.lines.push_back(text);
  }
  if (excerpt.first_line + excerpt.lines.size() <= line) return std::nullopt;
  return excerpt;
}

}  // namespace leakdbg::report
