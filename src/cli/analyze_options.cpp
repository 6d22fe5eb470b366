#include "cli/analyze_options.h"

#include <cstdint>

#include "cli/command_options.h"
#include "cli/option_values.h"
#include "symbolize/frame_render.h"

namespace leakdbg::cli {

void AnalyzeFlags::add_to(CommandOptions& app) {
  app.add_option("DIR|SNAP", inputs,
                 "A directory of snapshots (from leakdbg run -o DIR), snapshot files in time "
                 "order, or saved WinDbg/UMDH text")
      ->required();
  app.add_flag("--across-runs", across_runs,
               "Allow snapshots of several processes (runs of one build), matched by symbols");
  add_row_limit(app, top, "Suspects to list; 0 lists all");
  symbols.add_to(app);
  add_alloc_fn_option(app, alloc_fns);
}

analysis::AnalyzeOptions AnalyzeFlags::options() const {
  analysis::AnalyzeOptions options;
  options.across_runs = across_runs;
  options.max_suspects = top == 0 ? SIZE_MAX : top;
  options.symbolizer.debug_dirs = symbols.debug_dirs;
  options.symbolizer.sysroot = symbols.sysroot;
  options.labels.alloc_fn_patterns = alloc_fns;
  analysis::compile_alloc_fn_patterns(alloc_fns);
  // Text renderers read the name style from the symbolizer's frame rendering.
  set_full_function_names(symbols.full_names);
  return options;
}

}  // namespace leakdbg::cli
