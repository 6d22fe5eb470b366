#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/command_table.h"
#include "util/error.h"
#include "util/terminal_text.h"
#include "winimport/model_builder.h"

namespace leakdbg::cli {

namespace {

bool looks_like_option(const char* arg) {
  if (arg[0] != '-' || arg[1] == '\0') return false;
  if (arg[1] == '-') return arg[2] != '\0';
  return std::isalpha(static_cast<unsigned char>(arg[1])) != 0;  // not "-1"
}

// The first option of the subcommand's arguments that it does not know, or "". CLI11 would
// report it as a surplus positional argument ("At Most 2 required"), which says nothing about
// the option that was mistyped.
std::string unknown_option(CLI::App& sub, int argc, const char* const* argv, int first) {
  for (int i = first; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) break;
    if (!looks_like_option(argv[i])) continue;
    std::string name = argv[i];
    if (size_t eq = name.find('='); eq != std::string::npos) name.resize(eq);
    if (name == "-h" || name == "--help") continue;
    if (sub.get_option_no_throw(name) == nullptr) return name;
  }
  return "";
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "leakdbg: %s (see leakdbg --help)\n", escape_control_chars(message).c_str());
  return 2;
}

}  // namespace

int run_command_line(int argc, const char* const* argv) {
  // All saved Windows texts a command reads share one bound on the blocks they make.
  winimport::ImportBudget import_budget;
  CLI::App app{"leakdbg: find memory leaks in running Linux processes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("leakdbg ") + LEAKDBG_VERSION);
  std::vector<std::pair<CLI::App*, Action>> actions;
  std::deque<CommandOptions> options;
  for (auto& entry : registered_commands()) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.help);
    actions.emplace_back(sub, entry.setup(options.emplace_back(*sub)));
  }
  if (argc > 1 && !looks_like_option(argv[1]) && !find_command(argv[1]))
    return usage_error(std::string("unknown command '") + argv[1] +
                       "'; the commands are: " + command_names());
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    for (auto& [sub, action] : actions)
      if (argc > 1 && sub->get_name() == argv[1])
        if (std::string option = unknown_option(*sub, argc, argv, 2); !option.empty())
          return usage_error(std::string(argv[1]) + ": unknown option " + option);
    return usage_error(e.what());
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const Error& e) {
    std::fflush(stdout);
    // Messages quote paths and arguments as given: escaped, so they cannot drive the terminal.
    std::fprintf(stderr, "leakdbg: %s\n", escape_control_chars(e.what()).c_str());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fflush(stdout);
    std::fprintf(stderr, "leakdbg: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "leakdbg: internal error: %s\n", escape_control_chars(e.what()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace leakdbg::cli
