// One error type for everything the user can get wrong: bad input files, bad addresses,
// missing processes. The command line catches it and prints its message as one line
// (`leakdbg: <message>`) with a non-zero exit; nothing else is ever printed for it.
#pragma once

#include <stdexcept>
#include <string>

namespace leakdbg {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = 1)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

}  // namespace leakdbg
