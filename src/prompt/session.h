// The state behind `leakdbg open`: the opened heap states, the current one, and one
// symbolizer per state (made on first need). Runs parsed commands against it.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "model/heap_model.h"
#include "prompt/command_parser.h"
#include "symbolize/symbolizer.h"

namespace leakdbg::prompt {

struct OpenedState {
  std::string name;  // file name, with "(old)" / "(new)" for the two halves of a UMDH diff
  HeapModel model;
  std::unique_ptr<Symbolizer> symbolizer;
};

class Session {
 public:
  explicit Session(std::vector<OpenedState> states, SymbolizerOptions options = {});
  ~Session();
  Session(Session&&) noexcept;

  // Loads every file (snapshots or saved Windows text). Throws leakdbg::Error.
  static Session open(const std::vector<std::string>& paths, SymbolizerOptions options = {});

  // Runs one command; false when it asks to quit. User errors throw leakdbg::Error.
  bool run(const Command& command, std::ostream& out);

  // A whole typed line: commands split at ';', each parsed and run; a parse or user error
  // prints one line to `err` and the next command still runs. False when one said quit.
  bool run_line(std::string_view line, std::ostream& out, std::ostream& err);

  // The exit code the commands run so far call for, as the command line's policy has it: 0 if
  // all succeeded, 2 if one could not be parsed (a usage error: unknown command, bad number
  // or address), else 1 if one failed.
  int exit_code() const { return exit_code_; }

  std::string prompt() const;  // "0:snap> " with the current state's number
  size_t current() const { return current_; }
  size_t size() const { return states_.size(); }

 private:
  Symbolizer& symbolizer();
  OpenedState& state() { return states_[current_]; }

  std::vector<OpenedState> states_;
  SymbolizerOptions options_;
  size_t current_ = 0;
  int exit_code_ = 0;
};

// The text `?` prints.
std::string_view help_text();

}  // namespace leakdbg::prompt
