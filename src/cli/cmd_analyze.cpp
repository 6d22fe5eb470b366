// `leakdbg analyze DIR | SNAP... [--json] [--across-runs]`: the whole leak hunt over a
// series of snapshots, with a verdict first and ranked suspects.
#include <cstdint>
#include <iostream>
#include <memory>

#include "analysis/analyze.h"
#include "analysis/analyze_render.h"
#include "cli/analyze_options.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "input/analyze_inputs.h"
#include "util/terminal_text.h"

namespace leakdbg::cli {

namespace {

struct AnalyzeArgs {
  AnalyzeFlags analysis;
  bool json = false, hex = false;
};

Action setup_analyze(CommandOptions& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  args->analysis.add_to(app);
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  return [args] {
    analysis::AnalyzeOptions options = args->analysis.options();
    analysis::AnalyzeReport report = input::analyze_paths(args->analysis.inputs, options);
    if (args->json) {
      print_json(std::cout, analysis::analyze_to_json(report));
    } else {
      // Warnings (skipped files) go to stderr, so that stdout holds the analysis alone.
      for (const std::string& warning : report.warnings)
        std::cerr << "leakdbg: warning: " << escape_control_chars(warning) << '\n';
      report.warnings.clear();
      analysis::print_analyze_text(std::cout, report, NumberStyle{args->hex});
    }
    return 0;
  };
}

const Registration analyze_registration("analyze", setup_analyze);

}  // namespace

}  // namespace leakdbg::cli
