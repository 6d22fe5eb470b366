#include "cli/vmmap_render.h"

#include "cli/reach_render.h"
#include "procmem/private_growth.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::cli {
namespace {

using procmem::MemType;
using procmem::TypeTotals;
using procmem::VmView;

int64_t change(uint64_t now, uint64_t base) {
  return now >= base ? static_cast<int64_t>(now - base) : -static_cast<int64_t>(base - now);
}

nlohmann::json totals_json(const TypeTotals& t, const char* type_name) {
  return {{"type", type_name},
          {"size", t.size},
          {"committed", t.committed},
          {"private", t.private_bytes},
          {"rss", t.rss},
          {"pss", t.pss},
          {"swap", t.swap},
          {"locked", t.locked},
          {"blocks", t.blocks},
          {"largest", t.largest}};
}

nlohmann::json types_json(const procmem::VmSummary& s) {
  nlohmann::json types = nlohmann::json::array();
  for (const auto& t : s.types)
    types.push_back(totals_json(t, std::string(procmem::mem_type_name(t.type)).c_str()));
  return types;
}

nlohmann::json change_json(const TypeTotals& now, const TypeTotals& base, const std::string& type) {
  return {{"type", type},
          {"size", change(now.size, base.size)},
          {"committed", change(now.committed, base.committed)},
          {"private", change(now.private_bytes, base.private_bytes)},
          {"rss", change(now.rss, base.rss)},
          {"pss", change(now.pss, base.pss)},
          {"swap", change(now.swap, base.swap)},
          {"locked", change(now.locked, base.locked)},
          {"blocks", change(now.blocks, base.blocks)},
          {"largest", change(now.largest, base.largest)}};
}

std::vector<const procmem::Piece*> pieces_of(const VmView& view, MemType type) {
  std::vector<const procmem::Piece*> out;
  for (const auto& p : view.pieces)
    if (p.type == type) out.push_back(&p);
  return out;
}

nlohmann::json detail_json(const VmView& view, MemType type) {
  nlohmann::json rows = nlohmann::json::array();
  for (const procmem::Piece* p : pieces_of(view, type)) {
    const procmem::Mapping& m = view.mappings[p->mapping];
    procmem::Figures f = procmem::piece_figures(*p, m);
    rows.push_back({{"start", format_hex(p->start)},
                    {"end", format_hex(p->end)},
                    {"type", std::string(procmem::mem_type_name(p->type))},
                    {"size", f.size},
                    {"committed", f.committed},
                    {"private", f.private_bytes},
                    {"rss", f.rss},
                    {"pss", f.pss},
                    {"swap", f.swap},
                    {"locked", f.locked},
                    {"perms", m.perms()},
                    {"path", m.path},
                    {"label", p->label}});
  }
  return rows;
}

void print_types(const VmView& view, const VmView* base, const NumberStyle& style,
                 std::ostream& out) {
  Table table;
  table.add_column("Type", Table::Align::kLeft);
  const char* const kColumns[] = {"Size", "Committed", "Private", "RSS",    "PSS",
                                  "Swap", "Locked",    "Blocks",  "Largest"};
  for (const char* c : kColumns) {
    table.add_column(c);
    if (base && std::string(c) != "PSS" && std::string(c) != "Swap" && std::string(c) != "Locked" &&
        std::string(c) != "Largest")
      table.add_column("Change");
  }
  auto row = [&](const std::string& name, const TypeTotals& t, const TypeTotals* b) {
    std::vector<std::string> cells{name};
    auto bytes = [&](uint64_t now, uint64_t was, bool with_change) {
      cells.push_back(style.bytes(now));
      if (b && with_change) cells.push_back(style.bytes_change(change(now, was)));
    };
    bytes(t.size, b ? b->size : 0, true);
    bytes(t.committed, b ? b->committed : 0, true);
    bytes(t.private_bytes, b ? b->private_bytes : 0, true);
    bytes(t.rss, b ? b->rss : 0, true);
    bytes(t.pss, 0, false);
    bytes(t.swap, 0, false);
    bytes(t.locked, 0, false);
    cells.push_back(style.count(t.blocks));
    if (b) cells.push_back(style.count_change(change(t.blocks, b->blocks)));
    cells.push_back(style.bytes(t.largest));
    table.add_row(std::move(cells));
  };
  for (size_t i = 0; i < view.summary.types.size(); ++i)
    row(std::string(procmem::mem_type_name(view.summary.types[i].type)), view.summary.types[i],
        base ? &base->summary.types[i] : nullptr);
  row("Total", view.summary.total, base ? &base->summary.total : nullptr);
  table.print(out);
}

void print_detail(const VmView& view, MemType type, const NumberStyle& style, std::ostream& out) {
  auto pieces = pieces_of(view, type);
  out << "\n" << procmem::mem_type_name(type) << ": " << pieces.size() << " mapping(s)\n";
  if (type == MemType::kPageTable) {
    out << "(kernel page tables: VmPTE of /proc/PID/status, not a mapping)\n";
    return;
  }
  if (pieces.empty()) return;
  Table table;
  table.add_column("Address", Table::Align::kLeft);
  for (const char* c : {"Size", "Committed", "Private", "RSS"}) table.add_column(c);
  table.add_column("Perms", Table::Align::kLeft);
  table.add_column("Details", Table::Align::kLeft);
  for (const procmem::Piece* p : pieces) {
    const procmem::Mapping& m = view.mappings[p->mapping];
    procmem::Figures f = procmem::piece_figures(*p, m);
    std::string details = p->label;
    if (!m.path.empty() && details.find(m.path) == std::string::npos) details += "  " + m.path;
    table.add_row({format_hex(p->start) + "-" + format_hex_plain(p->end), style.bytes(f.size),
                   style.bytes(f.committed), style.bytes(f.private_bytes), style.bytes(f.rss),
                   m.perms(), details});
  }
  table.print(out);
}

// The tracked anonymous regions by class, with the change against a base that has them too.
void print_region_classes(const ReachSummary& reach, const ReachSummary* base,
                          const NumberStyle& style, std::ostream& out) {
  out << "\nTracked anonymous mmap regions by reachability (in Private Data):\n";
  Table table;
  table.add_column("Class", Table::Align::kLeft);
  table.add_column("Size");
  if (base) table.add_column("Change");
  table.add_column("Regions");
  if (base) table.add_column("Change");
  for (ReachClass c : {ReachClass::kUnreachable, ReachClass::kIndirect, ReachClass::kPossibly,
                       ReachClass::kReachable}) {
    const ClassTotals& t = region_totals_of(reach, c);
    const ClassTotals* b = base ? &region_totals_of(*base, c) : nullptr;
    std::vector<std::string> cells{std::string(reach_class_name(c)), style.bytes(t.bytes)};
    if (b) cells.push_back(style.bytes_change(change(t.bytes, b->bytes)));
    cells.push_back(style.count(t.blocks));
    if (b) cells.push_back(style.count_change(change(t.blocks, b->blocks)));
    table.add_row(std::move(cells));
  }
  table.print(out);
}

}  // namespace

nlohmann::json vmmap_json(const VmTarget& target, const VmTarget* base,
                          std::optional<MemType> detail) {
  nlohmann::json out = {{"source", target.kind},
                        {"pid", target.pid},
                        {"target", target.argument},
                        {"types", types_json(target.view.summary)},
                        {"total", totals_json(target.view.summary.total, "Total")},
                        {"private_bytes", procmem::view_private_bytes(target.view)}};
  if (target.reach) out["mmap_region_classes"] = region_classes_json(*target.reach);
  if (detail) {
    out["detail"] = std::string(procmem::mem_type_name(*detail));
    out["mappings"] = detail_json(target.view, *detail);
  }
  if (base) {
    out["base"] = {{"target", base->argument},
                   {"types", types_json(base->view.summary)},
                   {"total", totals_json(base->view.summary.total, "Total")},
                   {"private_bytes", procmem::view_private_bytes(base->view)}};
    if (base->reach) out["base"]["mmap_region_classes"] = region_classes_json(*base->reach);
    nlohmann::json changes = nlohmann::json::array();
    for (size_t i = 0; i < target.view.summary.types.size(); ++i)
      changes.push_back(
          change_json(target.view.summary.types[i], base->view.summary.types[i],
                      std::string(procmem::mem_type_name(target.view.summary.types[i].type))));
    out["changes"] = changes;
    procmem::PrivateGrowth growth = procmem::private_growth(base->view, target.view);
    out["private_growth"] = {{"private_delta", growth.private_delta},
                             {"heap_delta", growth.heap_delta},
                             {"text", procmem::explain_private_growth(growth)}};
  }
  return out;
}

void print_vmmap(const VmTarget& target, const VmTarget* base, std::optional<MemType> detail,
                 const NumberStyle& style, std::ostream& out) {
  out << target.description;
  if (base) out << ", compared with " << base->description;
  out << "\n";
  print_types(target.view, base ? &base->view : nullptr, style, out);
  out << "Private Bytes: " << style.bytes(procmem::view_private_bytes(target.view)) << "\n";
  if (base)
    out << "Private growth: "
        << procmem::explain_private_growth(procmem::private_growth(base->view, target.view))
        << "\n";
  if (target.reach)
    print_region_classes(*target.reach, base && base->reach ? &*base->reach : nullptr, style, out);
  if (detail) print_detail(target.view, *detail, style, out);
}

}  // namespace leakdbg::cli
