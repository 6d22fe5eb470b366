// `leakdbg summary SNAP [--base BASE]`: one row per heap, as WinDbg's `!heap -s`.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "analysis/heap_summary.h"
#include "analysis/reach_summary.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "cli/reach_render.h"
#include "cli/summary_render.h"
#include "input/load.h"

namespace leakdbg::cli {

namespace {

struct SummaryArgs {
  std::string snapshot, base;
  bool json = false, hex = false;
};

Action setup_summary(CommandOptions& app) {
  auto args = std::make_shared<SummaryArgs>();
  app.add_option("SNAP", args->snapshot, "Snapshot (or saved WinDbg/UMDH text)")->required();
  app.add_option("--base", args->base, "Earlier snapshot: adds the change per heap");
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  return [args] {
    HeapModel model = load_model(args->snapshot);
    std::optional<HeapModel> base;
    if (!args->base.empty()) base = load_model(args->base);
    HeapSummary summary = summarize_heaps(model, base ? &*base : nullptr);
    ReachSummary reach = summarize_reachability(model);
    if (args->json) {
      nlohmann::json out = summary_json(summary, args->snapshot, args->base);
      out["reachability"] = reach_summary_json(reach);
      print_json(std::cout, out);
    } else {
      print_summary(summary, NumberStyle{args->hex}, std::cout);
      print_reach_summary(reach, NumberStyle{args->hex}, std::cout);
    }
    return 0;
  };
}

const Registration summary_registration("summary", setup_summary);

}  // namespace

}  // namespace leakdbg::cli
