#include "cli/stat_render.h"

#include <cstdio>

#include "analysis/group_key.h"
#include "analysis/heap_summary.h"
#include "analysis/site_text.h"
#include "symbolize/frame_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::cli {

nlohmann::json stat_json(const StatResult& result, const std::string& snapshot,
                         const std::string& base) {
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
  nlohmann::json out = {{"snapshot", snapshot},
                        {"by", std::string(group_by_name(result.by))},
                        {"heap", result.heap.empty() ? "all" : result.heap},
                        {"busy_bytes", result.busy_bytes},
                        {"busy_blocks", result.busy_blocks},
                        {"groups_total", result.group_count},
                        {"groups", std::move(groups)}};
  if (result.has_base) {
    out["base"] = base;
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

}  // namespace leakdbg::cli
