// `leakdbg open SNAP [SNAP...] [-c 'CMD; CMD']`: a WinDbg-syntax prompt over snapshots or
// saved Windows text (`!heap -s`, `!heap -stat`, `!heap -flt`, `!heap -p -a`, `ln`, `.snap`).
// With -c the commands run and the program exits: 0 if all succeeded, 2 if one could not be
// parsed (bad address or number, unknown command), else 1 if one failed.
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "prompt/command_parser.h"
#include "prompt/line_reader.h"
#include "prompt/session.h"

namespace leakdbg::cli {

namespace {

struct OpenArgs {
  std::vector<std::string> snapshots;
  std::string commands;
  bool no_history = false;
  SymbolFlags symbols;
};

int run_open(const OpenArgs& args) {
  SymbolizerOptions options;
  options.debug_dirs = args.symbols.debug_dirs;
  options.sysroot = args.symbols.sysroot;
  auto session = prompt::Session::open(args.snapshots, options);

  if (!args.commands.empty()) {
    session.run_line(args.commands, std::cout, std::cerr);
    std::cout.flush();
    return session.exit_code();
  }

  prompt::LineReader reader(args.no_history ? "" : prompt::default_history_path(),
                            [](const std::string& line) { return !prompt::is_quit_command(line); });
  if (reader.interactive())
    std::cout << "leakdbg: " << session.size() << " heap state(s) open; ? for help, q to quit\n";
  while (auto line = reader.read(session.prompt())) {
    if (!session.run_line(*line, std::cout, std::cerr)) break;
    std::cout.flush();
  }
  return 0;
}

Action setup_open(CommandOptions& app) {
  auto args = std::make_shared<OpenArgs>();
  app.add_option("SNAP", args->snapshots, "Snapshots or saved WinDbg/UMDH text")->required();
  app.add_option("-c,--commands", args->commands,
                 "Run these commands (';' between them) and exit, e.g. '!heap -s; !heap -stat'");
  app.add_flag("--no-history", args->no_history, "Keep no history file (~/.leakdbg_history)");
  args->symbols.add_to(app);
  return [args] { return run_open(*args); };
}

const Registration open_registration("open", setup_open);

}  // namespace

}  // namespace leakdbg::cli
