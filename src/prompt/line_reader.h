// Reads the prompt's lines: with line editing and a history file (libedit, BSD licensed)
// when stdin is a terminal, plain lines otherwise (piped commands, tests).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace leakdbg::prompt {

class LineReader {
 public:
  // history_path "" keeps no history file. The history is written after every line, so it
  // survives every way out (q, Ctrl-D, a signal). Lines for which `keep` says false (the quit
  // command) are not stored.
  explicit LineReader(std::string history_path,
                      std::function<bool(const std::string&)> keep = nullptr);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // nullopt at end of input (Ctrl-D, after which a newline ends the prompt's line). Ctrl-C
  // cancels the line being typed: "" is returned.
  std::optional<std::string> read(const std::string& prompt);
  bool interactive() const { return interactive_; }

 private:
  std::string history_path_;
  std::function<bool(const std::string&)> keep_;
  bool interactive_ = false;
};

// ~/.leakdbg_history, or "" when HOME is unset.
std::string default_history_path();

}  // namespace leakdbg::prompt
