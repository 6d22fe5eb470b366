// `leakdbg diff BASE SNAP [--by site|function|size|module|type] [--min-bytes N] [--json]`:
// UMDH's comparison of two heap states, largest growth first. A single UMDH diff file
// (which holds both states) may be given alone.
#include <iostream>
#include <memory>

#include "analysis/diff.h"
#include "analysis/diff_render.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "input/load.h"
#include "util/error.h"

namespace leakdbg::cli {

namespace {

struct DiffArgs {
  std::vector<std::string> inputs;
  std::string by = "site", min_bytes = "0";
  bool json = false, hex = false;
  SymbolFlags symbols;
  std::vector<std::string> alloc_fns;
};

Action setup_diff(CommandOptions& app) {
  auto args = std::make_shared<DiffArgs>();
  app.add_option("BASE SNAP", args->inputs,
                 "The earlier and the later snapshot (or saved UMDH/WinDbg text; one UMDH diff "
                 "file alone holds both)")
      ->required()
      ->expected(1, 2);
  app.add_option("--by", args->by, "Group by site, function, size, module or type")
      ->capture_default_str();
  app.add_option("--min-bytes", args->min_bytes, "Leave out rows that changed by fewer bytes")
      ->capture_default_str();
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  args->symbols.add_to(app);
  add_alloc_fn_option(app, args->alloc_fns);
  return [args] {
    analysis::DiffOptions options;
    options.by = parse_group_by(args->by);
    options.min_bytes = parse_size_option(args->min_bytes, "--min-bytes");
    options.symbolizer.debug_dirs = args->symbols.debug_dirs;
    options.symbolizer.sysroot = args->symbols.sysroot;
    options.labels.alloc_fn_patterns = args->alloc_fns;
    analysis::compile_alloc_fn_patterns(args->alloc_fns);
    std::vector<HeapModel> models;
    if (args->inputs.size() == 1) {
      models = load_models(args->inputs[0]);
      if (models.size() != 2)
        throw Error(args->inputs[0] +
                    ": one heap state; diff needs two (BASE SNAP), or one UMDH diff file");
    } else {
      models.push_back(load_model(args->inputs[0]));
      models.push_back(load_model(args->inputs[1]));
    }
    analysis::DiffReport report = analysis::diff_models(models[0], models[1], options);
    if (args->json) {
      print_json(std::cout, analysis::diff_to_json(report));
    } else {
      analysis::print_diff_text(std::cout, report, NumberStyle{args->hex});
    }
    return 0;
  };
}

const Registration diff_registration("diff", setup_diff);

}  // namespace

}  // namespace leakdbg::cli
