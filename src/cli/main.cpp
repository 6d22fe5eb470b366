// leakdbg: parse the command line, hand over to the subcommand, print user errors as one
// line. Everything else lives in the libraries and in one cmd_*.cpp per subcommand.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/command.h"
#include "util/error.h"

namespace leakdbg::cli {

std::vector<CommandEntry>& registry() {
  static std::vector<CommandEntry> entries;
  return entries;
}

Registration::Registration(std::string name, std::string help, Setup setup, int order) {
  registry().push_back({std::move(name), std::move(help), std::move(setup), order});
}

}  // namespace leakdbg::cli

int main(int argc, char** argv) {
  using namespace leakdbg;
  CLI::App app{"leakdbg: find memory leaks in running Linux processes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("leakdbg ") + LEAKDBG_VERSION);
  auto entries = cli::registry();
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, cli::Action>> actions;
  for (auto& entry : entries) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.help);
    actions.emplace_back(sub, entry.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    std::fprintf(stderr, "leakdbg: %s (see leakdbg --help)\n", message.c_str());
    return 2;
  }
  try {
    for (auto& [sub, action] : actions)
      if (sub->parsed()) return action();
  } catch (const Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "leakdbg: %s\n", e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "leakdbg: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "leakdbg: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
