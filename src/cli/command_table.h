// Every `leakdbg` subcommand: its name and its line in --help, in the order --help lists them
// (the reference workflow: record, watch, inspect, compare). A new command adds its row here
// and registers its setup under the same name (command.h).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace leakdbg::cli {

struct CommandInfo {
  std::string_view name;
  std::string_view help;
};

std::span<const CommandInfo> command_table();

// The row of `name`, or nullptr.
const CommandInfo* find_command(std::string_view name);

// "run, snap, top, ...": for the message about an unknown command.
std::string command_names();

}  // namespace leakdbg::cli
