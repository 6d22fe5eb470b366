// `leakdbg summary SNAP [--base BASE]`: one row per heap, as WinDbg's `!heap -s`.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analysis/heap_summary.h"
#include "analysis/load.h"
#include "analysis/reach_summary.h"
#include "cli/command.h"
#include "cli/inspect_format.h"
#include "cli/reach_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

struct SummaryArgs {
  std::string snapshot, base;
  bool json = false, hex = false;
};

nlohmann::json figures_json(const HeapFigures& f) {
  return {{"reserved", f.reserved},          {"committed", f.committed},
          {"busy_bytes", f.busy_bytes},      {"busy_blocks", f.busy_blocks},
          {"free_bytes", f.free_bytes},      {"free_blocks", f.free_blocks},
          {"fragmentation", f.fragmentation}};
}

nlohmann::json change_json(const HeapFigures& now, const HeapFigures& base) {
  return {{"reserved", figure_change(now.reserved, base.reserved)},
          {"committed", figure_change(now.committed, base.committed)},
          {"busy_bytes", figure_change(now.busy_bytes, base.busy_bytes)},
          {"busy_blocks", figure_change(now.busy_blocks, base.busy_blocks)},
          {"free_bytes", figure_change(now.free_bytes, base.free_bytes)},
          {"free_blocks", figure_change(now.free_blocks, base.free_blocks)}};
}

nlohmann::json summary_json(const HeapSummary& summary, const SummaryArgs& args) {
  nlohmann::json heaps = nlohmann::json::array();
  for (const HeapRow& row : summary.rows) {
    nlohmann::json heap = figures_json(row.now);
    heap["id"] = row.id;
    heap["alias"] = row.alias;
    if (row.base) {
      heap["base"] = figures_json(*row.base);
      heap["change"] = change_json(row.now, *row.base);
    }
    heaps.push_back(std::move(heap));
  }
  nlohmann::json out = {{"snapshot", args.snapshot},
                        {"allocator_figures", summary.allocator_figures},
                        {"heaps", std::move(heaps)},
                        {"total", figures_json(summary.total)}};
  if (summary.base_total) {
    out["base"] = args.base;
    out["base_total"] = figures_json(*summary.base_total);
    out["change"] = change_json(summary.total, *summary.base_total);
  }
  return out;
}

void print_summary(const HeapSummary& summary, const NumberStyle& style, std::ostream& out) {
  bool with_base = summary.base_total.has_value();
  Table table;
  table.add_column("heap", Table::Align::kLeft);
  table.add_column("alias", Table::Align::kLeft);
  for (const char* title : {"reserved", "committed", "busy", "blocks", "free", "free blks", "frag"})
    table.add_column(title);
  if (with_base)
    for (const char* title : {"committed +/-", "busy +/-", "blocks +/-"}) table.add_column(title);
  auto add = [&](const std::string& id, const std::string& alias, const HeapFigures& f,
                 const HeapFigures* base) {
    std::vector<std::string> cells = {id,
                                      alias,
                                      style.bytes(f.reserved),
                                      style.bytes(f.committed),
                                      style.bytes(f.busy_bytes),
                                      style.count(f.busy_blocks),
                                      style.bytes(f.free_bytes),
                                      style.count(f.free_blocks),
                                      format_percent(f.fragmentation)};
    if (base) {
      cells.push_back(style.bytes_change(figure_change(f.committed, base->committed)));
      cells.push_back(style.bytes_change(figure_change(f.busy_bytes, base->busy_bytes)));
      cells.push_back(style.count_change(figure_change(f.busy_blocks, base->busy_blocks)));
    }
    table.add_row(std::move(cells));
  };
  for (const HeapRow& row : summary.rows)
    add(row.id, row.alias, row.now, row.base ? &*row.base : nullptr);
  add("total", "", summary.total, with_base ? &*summary.base_total : nullptr);
  table.print(out);
  if (!summary.allocator_figures)
    out << "(no allocator figures recorded: reserved, committed and free cover mmap only)\n";
}

Action setup(CLI::App& app) {
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
      nlohmann::json out = summary_json(summary, *args);
      out["reachability"] = reach_summary_json(reach);
      std::cout << out.dump(2) << '\n';
    } else {
      print_summary(summary, NumberStyle{args->hex}, std::cout);
      print_reach_summary(reach, NumberStyle{args->hex}, std::cout);
    }
    return 0;
  };
}

const Registration registration("summary",
                                "Heaps with reserved, committed, busy and free bytes (!heap -s)",
                                setup, 40);

}  // namespace

}  // namespace leakdbg::cli
