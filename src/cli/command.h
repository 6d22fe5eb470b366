// How a subcommand joins the `leakdbg` program: each cmd_*.cpp file defines one
// static Registration. Its setup function declares the subcommand's options on the
// CLI11 app it is given and returns the action to run once parsing succeeded.
// The action returns the process exit code; user errors are thrown as leakdbg::Error.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace leakdbg::cli {

using Action = std::function<int()>;
using Setup = std::function<Action(CLI::App& sub)>;

struct Registration {
  Registration(std::string name, std::string help, Setup setup, int order = 100);
};

struct CommandEntry {
  std::string name, help;
  Setup setup;
  int order;  // position in --help: the reference workflow's order
};

std::vector<CommandEntry>& registry();

}  // namespace leakdbg::cli
