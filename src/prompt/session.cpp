#include "prompt/session.h"

#include <algorithm>

#include "analysis/block_detail.h"
#include "analysis/block_filter.h"
#include "analysis/heap_select.h"
#include "analysis/heap_summary.h"
#include "analysis/size_stat.h"
#include "input/load.h"
#include "prompt/reach_views.h"
#include "prompt/windbg_views.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg::prompt {

Session::Session(std::vector<OpenedState> states, SymbolizerOptions options)
    : states_(std::move(states)), options_(std::move(options)) {
  if (states_.empty()) throw Error("nothing to open");
}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;

Session Session::open(const std::vector<std::string>& paths, SymbolizerOptions options) {
  std::vector<OpenedState> states;
  for (const auto& path : paths) {
    auto models = load_models(path);
    for (auto& model : models) {
      std::string name = path;
      if (models.size() > 1 && !model.label.empty()) name += " (" + model.label + ")";
      states.push_back({std::move(name), std::move(model), nullptr});
    }
  }
  return Session(std::move(states), std::move(options));
}

Symbolizer& Session::symbolizer() {
  OpenedState& s = state();
  if (!s.symbolizer) s.symbolizer = std::make_unique<Symbolizer>(s.model, options_);
  return *s.symbolizer;
}

std::string Session::prompt() const { return std::to_string(current_) + ":snap> "; }

bool Session::run(const Command& command, std::ostream& out) {
  const HeapModel& model = state().model;
  switch (command.kind) {
    case CommandKind::kNothing:
      return true;
    case CommandKind::kQuit:
      return false;
    case CommandKind::kHelp:
      out << help_text();
      return true;
    case CommandKind::kListSnapshots: {
      std::vector<const HeapModel*> models;
      std::vector<std::string> names;
      for (const auto& s : states_) {
        models.push_back(&s.model);
        names.push_back(s.name);
      }
      print_snapshot_list(models, names, current_, out);
      return true;
    }
    case CommandKind::kSwitchSnapshot:
      if (command.snapshot >= states_.size())
        throw Error("no snapshot " + std::to_string(command.snapshot) + " (0 to " +
                    std::to_string(states_.size() - 1) + " are open; .snap lists them)");
      current_ = command.snapshot;
      out << "current snapshot: " << current_ << "  " << state().name << "\n";
      return true;
    case CommandKind::kHeapSummary:
      print_heap_summary(model, summarize_heaps(model), out);
      return true;
    case CommandKind::kHeapStat: {
      StatOptions options;
      options.by = GroupBy::kSize;
      options.heap = command.heap;
      // The analysis sorts by total; other orders need every group before the cut.
      options.top = command.order == StatOrder::kTotalSize ? command.max_display : 0;
      StatResult result = compute_stat(model, nullptr, options);
      print_heap_stat(model, result, command.order, command.max_display, out);
      return true;
    }
    case CommandKind::kHeapFilter: {
      BlockQuery query = command.max_size - command.min_size == 1
                             ? BlockQuery::exact_size(command.min_size)
                             : BlockQuery::size_range(command.min_size, command.max_size);
      // Imported histograms hold blocks known only by count (address 0); they sort first,
      // so list all and let the view count them apart.
      query.limit = model.caps.block_addresses || model.blocks.empty() ? kFilterLimit : 0;
      print_heap_filter(model, list_blocks(model, &symbolizer(), query), out);
      return true;
    }
    case CommandKind::kHeapAddress:
      print_heap_address(model, symbolizer(), command.address, out);
      return true;
    case CommandKind::kNearestSymbol:
      print_nearest_symbol(model, symbolizer(), command.address, out);
      return true;
    case CommandKind::kHeapLeaks:
      print_leaked_blocks(model, symbolizer(), out);
      return true;
    case CommandKind::kHeapReferences:
      print_block_references(model, command.address, out);
      return true;
  }
  return true;
}

bool Session::run_line(std::string_view line, std::ostream& out, std::ostream& err) {
  for (const auto& text : split_command_list(line)) {
    ParseResult parsed = parse_command(text);
    if (!parsed.command) {
      out.flush();
      err << "leakdbg: " << parsed.error << "\n";
      exit_code_ = 2;
      continue;
    }
    try {
      if (!run(*parsed.command, out)) return false;
    } catch (const Error& e) {
      out.flush();
      err << "leakdbg: " << e.what() << "\n";
      exit_code_ = std::max(exit_code_, e.exit_code());
    }
  }
  return true;
}

std::string_view help_text() {
  return "WinDbg-style commands (numbers are hex unless prefixed 0n; ';' separates commands):\n"
         "  !heap -s                          one line per heap: reserved, committed, free, busy\n"
         "  !heap -stat [-h HEAP] [-grp A|B|S [N]]\n"
         "                                    busy blocks by size; sorted by size (A), block\n"
         "                                    count (B) or total (S, default); N lines (20)\n"
         "  !heap -flt s SIZE                 busy blocks of one requested size\n"
         "  !heap -flt r MIN MAX              busy blocks with MIN <= size < MAX\n"
         "  !heap -p -a ADDR                  the block holding ADDR and its allocation stack\n"
         "  !heap -l                          blocks no longer referenced, by allocation stack\n"
         "  !heap -x ADDR                     who references the block holding ADDR, and the\n"
         "                                    chain from a root (snapshots with reachability)\n"
         "  ln ADDR                           nearest symbols, with file and line\n"
         "  .snap                             list the open snapshots\n"
         "  .snap N                           switch to snapshot N\n"
         "  ?                                 this help\n"
         "  q                                 quit\n"
         "HEAP is a handle as !heap -s prints it, or an id: main, arena1, mmap-chunks, other.\n";
}

}  // namespace leakdbg::prompt
