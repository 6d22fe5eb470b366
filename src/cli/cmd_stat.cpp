// `leakdbg stat SNAP [--heap ID] [--by size|site|function|module|type] [--top N] [--base BASE]`:
// busy blocks grouped and sorted by total bytes (or growth), as WinDbg's `!heap -stat -h`.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "analysis/group_key.h"
#include "analysis/size_stat.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/json_output.h"
#include "cli/option_values.h"
#include "cli/stat_render.h"
#include "input/load.h"

namespace leakdbg::cli {

namespace {

struct StatArgs {
  std::string snapshot, base, heap, by = "size";
  size_t top = 20;
  bool json = false, hex = false, unreachable = false;
  SymbolFlags symbols;
  std::vector<std::string> alloc_fns;
};

Action setup_stat(CommandOptions& app) {
  auto args = std::make_shared<StatArgs>();
  app.add_option("SNAP", args->snapshot, "Snapshot (or saved WinDbg/UMDH text)")->required();
  app.add_option("--heap", args->heap, "Only this heap (an id from `leakdbg summary`)");
  app.add_option("--by", args->by, "Group by size, site, function, module or type")
      ->capture_default_str();
  add_row_limit(app, args->top, "Rows to show; 0 shows all");
  app.add_option("--base", args->base, "Earlier snapshot: adds change columns, sorts by growth");
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  app.add_flag("--unreachable", args->unreachable,
               "Only blocks and classified mmap regions no longer referenced "
               "(snapshots with reachability)");
  args->symbols.add_to(app);
  add_alloc_fn_option(app, args->alloc_fns);
  return [args] {
    StatOptions options;
    if (args->unreachable) options.reach = ReachClass::kUnreachable;
    options.by = parse_group_by(args->by);
    options.heap = args->heap;
    options.top = args->top;
    options.labels.alloc_fn_patterns = args->alloc_fns;
    analysis::compile_alloc_fn_patterns(args->alloc_fns);
    HeapModel model = load_model(args->snapshot);
    std::optional<HeapModel> base;
    if (!args->base.empty()) base = load_model(args->base);
    std::unique_ptr<Symbolizer> symbolizer, base_symbolizer;
    if (options.by != GroupBy::kSize) {
      symbolizer = args->symbols.make(model);
      if (base) base_symbolizer = args->symbols.make(*base);
    }
    StatResult result = compute_stat(model, symbolizer.get(), options, base ? &*base : nullptr,
                                     base_symbolizer.get());
    if (args->json)
      print_json(std::cout, stat_json(result, args->snapshot, args->base));
    else
      print_stat(result, NumberStyle{args->hex}, std::cout);
    return 0;
  };
}

const Registration stat_registration("stat", setup_stat);

}  // namespace

}  // namespace leakdbg::cli
