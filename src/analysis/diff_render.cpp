#include "analysis/diff_render.h"

#include "analysis/site_text.h"
#include "symbolize/frame_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::analysis {

namespace {

int64_t change(const LiveTotal& a, const LiveTotal& b, bool bytes) {
  return bytes ? static_cast<int64_t>(b.bytes) - static_cast<int64_t>(a.bytes)
               : static_cast<int64_t>(b.blocks) - static_cast<int64_t>(a.blocks);
}

}  // namespace

void print_diff_text(std::ostream& out, const DiffReport& report, size_t max_stacks) {
  for (const std::string& w : report.warnings) out << "warning: " << w << "\n";
  out << "diff by " << group_by_name(report.by) << ": " << report.base_path << " -> "
      << report.snap_path << "\n";
  out << "heap " << format_bytes(report.old_heap.bytes) << " -> "
      << format_bytes(report.new_heap.bytes) << " ("
      << format_bytes_signed(change(report.old_heap, report.new_heap, true)) << ", "
      << format_count_signed(change(report.old_heap, report.new_heap, false)) << " blocks)";
  out << "; mmap " << format_bytes(report.old_mmap.bytes) << " -> "
      << format_bytes(report.new_mmap.bytes) << " ("
      << format_bytes_signed(change(report.old_mmap, report.new_mmap, true)) << ", "
      << format_count_signed(change(report.old_mmap, report.new_mmap, false)) << " regions)\n\n";
  if (report.rows.empty()) {
    out << "no change" << (report.hidden_rows ? " above --min-bytes" : "") << "\n";
    return;
  }
  Table table;
  for (const char* title :
       {"growth", "blocks", "old bytes", "new bytes", "old blocks", "new blocks", "kind"})
    table.add_column(title);
  table.add_column(std::string(group_by_name(report.by)), Table::Align::kLeft);
  for (const DiffRow& row : report.rows)
    table.add_row({format_bytes_signed(row.growth_bytes), format_count_signed(row.growth_blocks),
                   format_bytes(row.old_total.bytes), format_bytes(row.new_total.bytes),
                   std::to_string(row.old_total.blocks), std::to_string(row.new_total.blocks),
                   std::string(site_kind_name(row.kind)), row.label});
  table.print(out);
  if (report.hidden_rows)
    out << "(" << report.hidden_rows << " smaller changes under --min-bytes not shown)\n";
  if (report.by == GroupBy::kSize || report.by == GroupBy::kType) return;
  out << "\n";
  size_t shown = 0;
  for (const DiffRow& row : report.rows) {
    if (shown++ == max_stacks) {
      out << "(stacks of the remaining " << report.rows.size() - max_stacks << " rows in --json)\n";
      break;
    }
    out << format_bytes_signed(row.growth_bytes) << " (" << format_bytes(row.new_total.bytes)
        << " - " << format_bytes(row.old_total.bytes) << ") "
        << format_count_signed(row.growth_blocks) << " blocks, " << site_kind_name(row.kind) << ": "
        << row.label << "\n";
    print_stack(out, row.frames, true);
    out << "\n";
  }
}

nlohmann::json diff_to_json(const DiffReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const DiffRow& row : report.rows) {
    nlohmann::json r = {{"kind", std::string(site_kind_name(row.kind))},
                        {"label", row.label},
                        {"growth_bytes", row.growth_bytes},
                        {"growth_blocks", row.growth_blocks},
                        {"old_bytes", row.old_total.bytes},
                        {"new_bytes", row.new_total.bytes},
                        {"old_blocks", row.old_total.blocks},
                        {"new_blocks", row.new_total.blocks},
                        {"frames", frames_to_json(row.frames)}};
    if (report.by == GroupBy::kSize) r["size"] = row.key.size;
    if (report.by == GroupBy::kSite || report.by == GroupBy::kFunction)
      add_site_fields(r, row.frames, row.site);
    rows.push_back(std::move(r));
  }
  auto total = [](const LiveTotal& a, const LiveTotal& b) {
    return nlohmann::json{{"old_bytes", a.bytes},
                          {"new_bytes", b.bytes},
                          {"old_blocks", a.blocks},
                          {"new_blocks", b.blocks},
                          {"growth_bytes", change(a, b, true)},
                          {"growth_blocks", change(a, b, false)}};
  };
  return {{"by", std::string(group_by_name(report.by))},
          {"base", report.base_path},
          {"snap", report.snap_path},
          {"heap", total(report.old_heap, report.new_heap)},
          {"mmap", total(report.old_mmap, report.new_mmap)},
          {"rows", rows},
          {"hidden_rows", report.hidden_rows},
          {"warnings", report.warnings}};
}

}  // namespace leakdbg::analysis
