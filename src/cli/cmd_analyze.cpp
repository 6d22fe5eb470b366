// `leakdbg analyze DIR | SNAP... [--json] [--across-runs]`: the whole leak hunt over a
// series of snapshots, with a verdict first and ranked suspects.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>

#include "analysis/analyze.h"
#include "analysis/analyze_render.h"
#include "cli/command.h"
#include "cli/inspect_format.h"

namespace leakdbg::cli {

namespace {

struct AnalyzeArgs {
  std::vector<std::string> inputs;
  bool json = false, across_runs = false;
  size_t top = 20;
  SymbolFlags symbols;
  std::vector<std::string> alloc_fns;
};

Action setup(CLI::App& app) {
  auto args = std::make_shared<AnalyzeArgs>();
  app.add_option("DIR|SNAP", args->inputs,
                 "A directory of snapshots (from leakdbg run -o DIR), or snapshot files in time "
                 "order")
      ->required();
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--across-runs", args->across_runs,
               "Allow snapshots of several processes (runs of one build), matched by symbols");
  app.add_option("--top", args->top, "Suspects to list")->capture_default_str();
  args->symbols.add_to(app);
  add_alloc_fn_option(app, args->alloc_fns);
  return [args] {
    analysis::AnalyzeOptions options;
    options.across_runs = args->across_runs;
    options.max_suspects = args->top == 0 ? SIZE_MAX : args->top;
    options.symbolizer.debug_dirs = args->symbols.debug_dirs;
    options.symbolizer.sysroot = args->symbols.sysroot;
    options.labels.alloc_fn_patterns = args->alloc_fns;
    analysis::compile_alloc_fn_patterns(args->alloc_fns);  // a bad pattern fails before loading
    analysis::AnalyzeReport report = analysis::analyze_paths(args->inputs, options);
    if (args->json) {
      std::cout << analysis::analyze_to_json(report).dump(2) << '\n';
    } else {
      analysis::print_analyze_text(std::cout, report);
    }
    return 0;
  };
}

const Registration registration(
    "analyze", "Find leaks automatically: trends, growing sites and ranked suspects", setup, 61);

}  // namespace

}  // namespace leakdbg::cli
