// `leakdbg stat SNAP [--heap ID] [--by size|site|function|module|type] [--top N] [--base BASE]`:
// busy blocks grouped and sorted by total bytes (or growth), as WinDbg's `!heap -stat -h`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/group_key.h"
#include "analysis/heap_summary.h"
#include "analysis/load.h"
#include "analysis/site_text.h"
#include "analysis/size_stat.h"
#include "cli/command.h"
#include "cli/inspect_format.h"
#include "symbolize/frame_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

struct StatArgs {
  std::string snapshot, base, heap, by = "size";
  size_t top = 20;
  bool json = false, hex = false;
  SymbolFlags symbols;
  std::vector<std::string> alloc_fns;
};

nlohmann::json stat_json(const StatResult& result, const StatArgs& args) {
  nlohmann::json groups = nlohmann::json::array();
  for (const StatGroup& g : result.groups) {
    nlohmann::json group = {{"size", g.size ? nlohmann::json(*g.size) : nlohmann::json(nullptr)},
                            {"blocks", g.blocks},
                            {"total", g.total},
                            {"percent", g.percent}};
    // The group's name goes in a field named after the grouping; "size" is there anyway.
    if (result.by != GroupBy::kSize)
      group[std::string(group_by_name(result.by))] =
          result.by == GroupBy::kType ? g.info.key.text : g.info.label;
    if (result.by == GroupBy::kSite || result.by == GroupBy::kFunction ||
        result.by == GroupBy::kModule)
      group["frames"] = frames_to_json(g.info.frames);
    if (result.by == GroupBy::kSite || result.by == GroupBy::kFunction)
      analysis::add_site_fields(group, g.info.frames, g.info.site);
    if (result.has_base) {
      group["base_blocks"] = g.base_blocks;
      group["base_total"] = g.base_total;
      group["growth_bytes"] = g.growth_bytes();
      group["growth_blocks"] = g.growth_blocks();
    }
    groups.push_back(std::move(group));
  }
  nlohmann::json out = {{"snapshot", args.snapshot},
                        {"by", std::string(group_by_name(result.by))},
                        {"heap", result.heap.empty() ? "all" : result.heap},
                        {"busy_bytes", result.busy_bytes},
                        {"busy_blocks", result.busy_blocks},
                        {"groups_total", result.group_count},
                        {"groups", std::move(groups)}};
  if (result.has_base) {
    out["base"] = args.base;
    out["base_busy_bytes"] = result.base_busy_bytes;
    out["base_busy_blocks"] = result.base_busy_blocks;
  }
  return out;
}

void print_stat(const StatResult& result, const NumberStyle& style, std::ostream& out) {
  out << "heap " << (result.heap.empty() ? "all" : result.heap) << ": "
      << style.bytes(result.busy_bytes) << " busy in " << style.count(result.busy_blocks)
      << " blocks; grouped by " << group_by_name(result.by);
  if (result.has_base)
    out << "; change from base "
        << style.bytes_change(figure_change(result.busy_bytes, result.base_busy_bytes)) << " in "
        << style.count_change(figure_change(result.busy_blocks, result.base_busy_blocks))
        << " blocks; sorted by growth";
  out << '\n';
  bool by_size = result.by == GroupBy::kSize;
  bool by_site = result.by == GroupBy::kSite;
  Table table;
  if (by_site) table.add_column("#");
  table.add_column("size");
  table.add_column("blocks");
  table.add_column("total");
  table.add_column("percent");
  if (result.has_base) {
    table.add_column("blocks +/-");
    table.add_column("total +/-");
  }
  if (!by_size) table.add_column(std::string(group_by_name(result.by)), Table::Align::kLeft);
  for (size_t i = 0; i < result.groups.size(); ++i) {
    const StatGroup& g = result.groups[i];
    std::vector<std::string> cells;
    if (by_site) cells.push_back(std::to_string(i + 1));
    cells.push_back(g.size ? style.size(*g.size) : "mixed");
    cells.push_back(style.count(g.blocks));
    cells.push_back(style.bytes(g.total));
    char percent[16];
    std::snprintf(percent, sizeof percent, "%.2f", g.percent);
    cells.push_back(percent);
    if (result.has_base) {
      cells.push_back(style.count_change(g.growth_blocks()));
      cells.push_back(style.bytes_change(g.growth_bytes()));
    }
    if (!by_size) cells.push_back(g.info.label);
    table.add_row(std::move(cells));
  }
  table.print(out);
  if (result.group_count > result.groups.size())
    out << "(" << result.group_count - result.groups.size() << " more groups; --top 0 lists all)\n";
  if (by_site) {
    for (size_t i = 0; i < result.groups.size(); ++i) {
      out << "\n#" << i + 1 << " " << style.bytes(result.groups[i].total) << " in "
          << style.count(result.groups[i].blocks) << " blocks:\n";
      print_stack(out, result.groups[i].info.frames, true);
    }
  }
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<StatArgs>();
  app.add_option("SNAP", args->snapshot, "Snapshot (or saved WinDbg/UMDH text)")->required();
  app.add_option("--heap", args->heap, "Only this heap (an id from `leakdbg summary`)");
  app.add_option("--by", args->by, "Group by size, site, function, module or type")
      ->capture_default_str();
  app.add_option("--top", args->top, "Rows to show; 0 shows all")->capture_default_str();
  app.add_option("--base", args->base, "Earlier snapshot: adds change columns, sorts by growth");
  app.add_flag("--json", args->json, "JSON output");
  app.add_flag("--hex", args->hex, "Numbers in hex, as WinDbg prints them");
  args->symbols.add_to(app);
  add_alloc_fn_option(app, args->alloc_fns);
  return [args] {
    StatOptions options;
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
      std::cout << stat_json(result, *args).dump(2) << '\n';
    else
      print_stat(result, NumberStyle{args->hex}, std::cout);
    return 0;
  };
}

const Registration registration(
    "stat", "Busy blocks grouped by size, site, function, module or type (!heap -stat)", setup, 41);

}  // namespace

}  // namespace leakdbg::cli
