#include "analysis/diff_render.h"

#include <algorithm>

#include "analysis/site_text.h"
#include "analysis/suspect_text.h"
#include "symbolize/frame_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::analysis {

namespace {

int64_t change(const LiveTotal& a, const LiveTotal& b, bool bytes) {
  return bytes ? static_cast<int64_t>(b.bytes) - static_cast<int64_t>(a.bytes)
               : static_cast<int64_t>(b.blocks) - static_cast<int64_t>(a.blocks);
}

bool figures_changed(const HeapFigureChange& h) {
  return h.commit_growth() != 0 || h.reserve_growth() != 0;
}

// The heaps' own figures, as two `!heap -s` listings compare; printed when one changed.
void print_heap_figures(std::ostream& out, const DiffReport& report, const NumberStyle& style) {
  if (std::none_of(report.heaps.begin(), report.heaps.end(), figures_changed)) return;
  Table table;
  table.add_column("heap", Table::Align::kLeft);
  for (const char* title : {"committed old", "committed new", "commit change", "reserved old",
                            "reserved new", "reserve change"})
    table.add_column(title);
  for (const HeapFigureChange& h : report.heaps)
    table.add_row({h.heap, style.bytes(h.old_committed), style.bytes(h.new_committed),
                   style.bytes_change(h.commit_growth()), style.bytes(h.old_reserved),
                   style.bytes(h.new_reserved), style.bytes_change(h.reserve_growth())});
  table.print(out);
  out << "\n";
}

}  // namespace

void print_diff_text(std::ostream& out, const DiffReport& report, const NumberStyle& style,
                     size_t max_stacks) {
  for (const std::string& w : report.warnings) out << "warning: " << w << "\n";
  out << "diff by " << group_by_name(report.by) << ": " << report.base_path << " -> "
      << report.snap_path << "\n";
  std::string noun(noun_text(state_noun_of(report.source_kind)));
  auto blocks = [&](const LiveTotal& a, const LiveTotal& b) {
    return report.block_counts_known ? style.count_change(change(a, b, false)) : std::string("-");
  };
  out << "heap " << style.bytes(report.old_heap.bytes) << " -> "
      << style.bytes(report.new_heap.bytes) << " ("
      << style.bytes_change(change(report.old_heap, report.new_heap, true)) << ", "
      << blocks(report.old_heap, report.new_heap) << " blocks)";
  out << "; mmap " << style.bytes(report.old_mmap.bytes) << " -> "
      << style.bytes(report.new_mmap.bytes) << " ("
      << style.bytes_change(change(report.old_mmap, report.new_mmap, true)) << ", "
      << style.count_change(change(report.old_mmap, report.new_mmap, false)) << " regions)\n\n";
  print_heap_figures(out, report, style);
  bool commit_grew = std::any_of(report.heaps.begin(), report.heaps.end(),
                                 [](const HeapFigureChange& h) { return h.commit_growth() > 0; });
  auto caveat = [&] {
    if (commit_grew)
      out << "note: two " << noun << "s show growth but not its shape; a third " << noun
          << " tells a leak from a cache (leakdbg analyze with three or more)\n";
    if (!report.block_counts_known)
      out << "note: the old state gives no block counts; block changes are unknown\n";
  };
  if (report.rows.empty()) {
    bool no_blocks = report.old_heap.blocks == 0 && report.new_heap.blocks == 0 &&
                     report.old_mmap.blocks == 0 && report.new_mmap.blocks == 0;
    if (no_blocks && commit_grew)
      out << "no blocks listed in either " << noun << ": the heaps' own figures above are what "
          << "compares\n";
    else
      out << "no change" << (report.hidden_rows ? " above --min-bytes" : "") << "\n";
    caveat();
    return;
  }
  Table table;
  for (const char* title :
       {"growth", "blocks", "old bytes", "new bytes", "old blocks", "new blocks", "kind"})
    table.add_column(title);
  table.add_column(std::string(group_by_name(report.by)), Table::Align::kLeft);
  for (const DiffRow& row : report.rows)
    table.add_row({style.bytes_change(row.growth_bytes),
                   report.block_counts_known ? style.count_change(row.growth_blocks) : "-",
                   style.bytes(row.old_total.bytes), style.bytes(row.new_total.bytes),
                   report.block_counts_known ? style.count(row.old_total.blocks) : "-",
                   style.count(row.new_total.blocks), std::string(site_kind_name(row.kind)),
                   row.label});
  table.print(out);
  if (report.hidden_rows)
    out << "(" << report.hidden_rows << " smaller changes under --min-bytes not shown)\n";
  caveat();
  if (report.by == GroupBy::kSize || report.by == GroupBy::kType) return;
  out << "\n";
  size_t shown = 0;
  for (const DiffRow& row : report.rows) {
    if (shown++ == max_stacks) {
      out << "(stacks of the remaining " << report.rows.size() - max_stacks << " rows in --json)\n";
      break;
    }
    out << style.bytes_change(row.growth_bytes) << " (" << style.bytes(row.new_total.bytes) << " - "
        << style.bytes(row.old_total.bytes) << ") ";
    if (report.block_counts_known) out << style.count_change(row.growth_blocks) << " blocks, ";
    out << site_kind_name(row.kind) << ": " << row.label << "\n";
    print_stack(out, row.frames, true);
    out << "\n";
  }
}

nlohmann::json diff_to_json(const DiffReport& report) {
  auto counts = [&](int64_t n) {
    return report.block_counts_known ? nlohmann::json(n) : nlohmann::json(nullptr);
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const DiffRow& row : report.rows) {
    nlohmann::json r = {{"kind", std::string(site_kind_name(row.kind))},
                        {"label", row.label},
                        {"growth_bytes", row.growth_bytes},
                        {"growth_blocks", counts(row.growth_blocks)},
                        {"old_bytes", row.old_total.bytes},
                        {"new_bytes", row.new_total.bytes},
                        {"old_blocks", counts(static_cast<int64_t>(row.old_total.blocks))},
                        {"new_blocks", row.new_total.blocks},
                        {"frames", frames_to_json(row.frames)}};
    if (report.by == GroupBy::kSize) r["size"] = row.key.size;
    if (report.by == GroupBy::kSite || report.by == GroupBy::kFunction)
      add_site_fields(r, row.frames, row.site);
    rows.push_back(std::move(r));
  }
  auto total = [&](const LiveTotal& a, const LiveTotal& b) {
    return nlohmann::json{{"old_bytes", a.bytes},
                          {"new_bytes", b.bytes},
                          {"old_blocks", a.blocks},
                          {"new_blocks", b.blocks},
                          {"growth_bytes", change(a, b, true)},
                          {"growth_blocks", counts(change(a, b, false))}};
  };
  nlohmann::json note_codes = nlohmann::json::array();
  if (std::any_of(report.heaps.begin(), report.heaps.end(),
                  [](const HeapFigureChange& h) { return h.commit_growth() > 0; }))
    note_codes.push_back("two_states");
  if (!report.block_counts_known) note_codes.push_back("block_counts_unknown");
  nlohmann::json heaps = nlohmann::json::array();
  for (const HeapFigureChange& h : report.heaps)
    heaps.push_back({{"heap", h.heap},
                     {"old_committed", h.old_committed},
                     {"new_committed", h.new_committed},
                     {"commit_growth", h.commit_growth()},
                     {"old_reserved", h.old_reserved},
                     {"new_reserved", h.new_reserved},
                     {"reserve_growth", h.reserve_growth()},
                     {"has_blocks", h.has_blocks}});
  return {{"by", std::string(group_by_name(report.by))},
          {"base", report.base_path},
          {"snap", report.snap_path},
          {"heap", total(report.old_heap, report.new_heap)},
          {"mmap", total(report.old_mmap, report.new_mmap)},
          {"rows", rows},
          {"heaps", heaps},
          {"note_codes", note_codes},
          {"block_counts_known", report.block_counts_known},
          {"hidden_rows", report.hidden_rows},
          {"warnings", report.warnings}};
}

}  // namespace leakdbg::analysis
