// Reads the prompt's lines: with line editing and a history file (libedit, BSD licensed)
// when stdin is a terminal, plain lines otherwise (piped commands, tests).
#pragma once

#include <optional>
#include <string>

namespace leakdbg::prompt {

class LineReader {
 public:
  // history_path "" keeps no history file.
  explicit LineReader(std::string history_path);
  ~LineReader();  // writes the history file
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // nullopt at end of input (Ctrl-D).
  std::optional<std::string> read(const std::string& prompt);
  bool interactive() const { return interactive_; }

 private:
  std::string history_path_;
  bool interactive_ = false;
};

// ~/.leakdbg_history, or "" when HOME is unset.
std::string default_history_path();

}  // namespace leakdbg::prompt
