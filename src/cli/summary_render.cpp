#include "cli/summary_render.h"

#include "util/table.h"
#include "util/units.h"

namespace leakdbg::cli {

namespace {

nlohmann::json figures_json(const HeapFigures& f) {
  // Figures the source did not give are null, never 0.
  auto known = [&](auto value) {
    return f.figures_known ? nlohmann::json(value) : nlohmann::json();
  };
  nlohmann::json out = {{"reserved", known(f.reserved)},
                        {"committed", known(f.committed)},
                        {"busy_bytes", f.busy_bytes},
                        {"busy_blocks", f.busy_blocks},
                        {"free_bytes", known(f.free_bytes)},
                        {"free_blocks", known(f.free_blocks)},
                        {"fragmentation", known(f.fragmentation)}};
  if (f.stated_busy_bytes) out["busy_bytes_stated"] = f.stated_busy_bytes;
  return out;
}

nlohmann::json change_json(const HeapFigures& now, const HeapFigures& base) {
  return {{"reserved", figure_change(now.reserved, base.reserved)},
          {"committed", figure_change(now.committed, base.committed)},
          {"busy_bytes", figure_change(now.busy_bytes, base.busy_bytes)},
          {"busy_blocks", figure_change(now.busy_blocks, base.busy_blocks)},
          {"free_bytes", figure_change(now.free_bytes, base.free_bytes)},
          {"free_blocks", figure_change(now.free_blocks, base.free_blocks)}};
}

}  // namespace

nlohmann::json summary_json(const HeapSummary& summary, const std::string& snapshot,
                            const std::string& base) {
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
  nlohmann::json out = {{"snapshot", snapshot},
                        {"allocator_figures", summary.allocator_figures},
                        {"heaps", std::move(heaps)},
                        {"total", figures_json(summary.total)}};
  if (summary.base_total) {
    out["base"] = base;
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
    // "-" for what the source does not give. A heap listed only in part (`!heap -stat`
    // cut off) shows the busy bytes WinDbg states for the whole heap, and no block count.
    const std::string unknown = "-";
    bool known = f.figures_known;
    bool partial = f.stated_busy_bytes > 0;
    std::vector<std::string> cells = {
        id,
        alias,
        known ? style.bytes(f.reserved) : unknown,
        known ? style.bytes(f.committed) : unknown,
        partial ? style.bytes(f.stated_busy_bytes) : style.bytes(f.busy_bytes),
        partial ? unknown : style.count(f.busy_blocks),
        known ? style.bytes(f.free_bytes) : unknown,
        known ? style.count(f.free_blocks) : unknown,
        known ? format_percent(f.fragmentation) : unknown};
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
  bool partial = summary.total.stated_busy_bytes > 0;
  if (partial)
    out << "(busy of a heap listed by `!heap -stat` is the total WinDbg's percentages give; "
           "the listing shows only its top sizes)\n";
  if (!summary.allocator_figures)
    out << "(no allocator figures recorded: reserved, committed and free cover mmap only)\n";
}

}  // namespace leakdbg::cli
