// How a subcommand joins the `leakdbg` program: each cmd_*.cpp file defines one static
// Registration naming its command and its setup function. The setup declares the
// subcommand's options on the CommandOptions it is given (command_options.h) and returns the action
// to run once parsing succeeded. The action returns the process exit code; user errors are thrown
// as leakdbg::Error. Names, help lines and their order in --help live in one place: the command
// table (command_table.h); a registered name missing there is a programming error.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace leakdbg::cli {

class CommandOptions;

using Action = std::function<int()>;
using Setup = std::function<Action(CommandOptions& sub)>;

struct Registration {
  Registration(std::string name, Setup setup);
};

struct CommandEntry {
  std::string name, help;
  Setup setup;
};

// The registered commands in the command table's order, with the table's help lines. Throws
// std::logic_error if a registered command is not in the table or registered twice.
std::vector<CommandEntry> registered_commands();

}  // namespace leakdbg::cli
