// `leakdbg report DIR | SNAP... -o leak-report.html`: the analysis as one self-contained
// HTML page (verdict, suspects, memory over time, flame graphs, VMMap view).
#include <CLI/CLI.hpp>
#include <cstdint>

#include "cli/command.h"
#include "cli/inspect_format.h"
#include "report/report_build.h"
#include "util/atomic_file.h"

namespace leakdbg::cli {

namespace {

struct ReportArgs {
  std::vector<std::string> inputs;
  std::string output = "leak-report.html";
  bool across_runs = false;
  size_t top = 20;
  std::vector<std::string> alloc_fns;
  SymbolFlags symbols;
};

Action setup(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  app.add_option("DIR|SNAP", args->inputs,
                 "A directory of snapshots (from leakdbg run -o DIR), snapshot files in time "
                 "order, or saved WinDbg/UMDH text")
      ->required();
  app.add_option("-o,--output", args->output, "The HTML file to write")->capture_default_str();
  app.add_flag("--across-runs", args->across_runs,
               "Allow snapshots of several processes (runs of one build), matched by symbols");
  app.add_option("--top", args->top, "Suspects to list")->capture_default_str();
  add_alloc_fn_option(app, args->alloc_fns);
  args->symbols.add_to(app);
  return [args] {
    analysis::AnalyzeOptions options;
    options.across_runs = args->across_runs;
    options.max_suspects = args->top == 0 ? SIZE_MAX : args->top;
    options.symbolizer.debug_dirs = args->symbols.debug_dirs;
    options.symbolizer.sysroot = args->symbols.sysroot;
    options.labels.alloc_fn_patterns = args->alloc_fns;
    analysis::compile_alloc_fn_patterns(args->alloc_fns);  // a bad pattern fails before loading
    write_file_atomically(args->output, report::build_report_page(args->inputs, options));
    return 0;
  };
}

const Registration registration("report", setup);

}  // namespace

}  // namespace leakdbg::cli
