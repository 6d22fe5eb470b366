#include "prompt/line_reader.h"

#include <editline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace leakdbg::prompt {

namespace {
constexpr int kHistoryLines = 1000;
}

LineReader::LineReader(std::string history_path)
    : history_path_(std::move(history_path)), interactive_(isatty(STDIN_FILENO) != 0) {
  if (!interactive_) return;
  using_history();
  stifle_history(kHistoryLines);
  if (!history_path_.empty()) read_history(history_path_.c_str());
}

LineReader::~LineReader() {
  if (interactive_ && !history_path_.empty()) write_history(history_path_.c_str());
}

std::optional<std::string> LineReader::read(const std::string& prompt) {
  if (!interactive_) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  char* raw = readline(prompt.c_str());
  if (!raw) return std::nullopt;
  std::string line(raw);
  std::free(raw);
  // Like a shell: repeated and blank lines do not fill the history.
  if (line.find_first_not_of(" \t") != std::string::npos) {
    HIST_ENTRY* last =
        history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
    if (!last || line != last->line) add_history(line.c_str());
  }
  return line;
}

std::string default_history_path() {
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/.leakdbg_history" : std::string();
}

}  // namespace leakdbg::prompt
