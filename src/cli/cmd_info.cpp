// `leakdbg info FILE [--json]`: what one snapshot holds: process, trigger, times, and the
// counts of every section (blocks, bytes, regions, stacks, modules, arenas, sites, samples).
#include <iostream>
#include <memory>

#include "analysis/reach_summary.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/info_render.h"
#include "cli/json_output.h"
#include "cli/reach_render.h"
#include "format/snapshot_reader.h"
#include "model/model_totals.h"

namespace leakdbg::cli {
namespace {

Action setup_info(CommandOptions& sub) {
  struct Args {
    std::string file;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  sub.add_option("FILE", args->file, "Snapshot file (.ldsnap)")->required();
  sub.add_flag("--json", args->json, "Print JSON instead of text");
  return [args]() {
    HeapModel model = fmt::read_snapshot(args->file);
    ModelTotals totals = compute_totals(model);
    ReachSummary reach = summarize_reachability(model);
    if (args->json) {
      nlohmann::json out = info_json(model, totals);
      out["reachability"] = reach_summary_json(reach);
      print_json(std::cout, out);
    } else {
      std::cout << info_text(model, totals);
      print_reach_summary(reach, NumberStyle{}, std::cout);
    }
    return 0;
  };
}

const Registration info_registration("info", setup_info);

}  // namespace
}  // namespace leakdbg::cli
