#include "prompt/windbg_views.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <map>

#include "analysis/block_detail.h"
#include "analysis/heap_select.h"
#include "symbolize/frame_render.h"
#include "symbolize/ln_report.h"
#include "symbolize/symbolizer.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg::prompt {
namespace {

[[gnu::format(printf, 1, 2)]] std::string printf_string(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
}

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

// Heap handles print as WinDbg prints them: bare hex, at least 8 digits.
std::string handle_text(uint64_t address) { return printf_string("%08llx", ull(address)); }

const Arena* arena_of(const HeapModel& model, const HeapSelector& heap) {
  if (heap.kind != HeapKind::kArena) return nullptr;
  for (const auto& arena : model.arenas)
    if (arena.index == heap.arena) return &arena;
  return nullptr;
}

// What `_HEAP @` and `heap @` name: the handle if known, else leakdbg's heap id.
std::string heap_label(const HeapModel& model, const HeapSelector& heap) {
  const Arena* arena = arena_of(model, heap);
  if (arena && arena->address) return handle_text(arena->address);
  return heap_id(model, heap);
}

// A figure the source did not give prints as "-", as no number would be honest.
std::string kb_or_dash(bool known, uint64_t bytes) {
  return known ? std::to_string(bytes / 1024) : std::string("-");
}

}  // namespace

std::string windbg_frame(const SymbolicFrame& frame) {
  std::string text;
  if (!frame.module.empty()) {
    text = frame.module;
    if (!frame.function.empty()) text += "!" + function_text(frame);
    text += printf_string("+0x%llx", ull(frame.offset));
  } else {
    text = handle_text(frame.address);
  }
  if (!frame.file.empty()) text += " [" + frame.file + " @ " + std::to_string(frame.line) + "]";
  if (frame.inlined) text += " (inlined)";
  return text;
}

void print_heap_summary(const HeapModel& model, const HeapSummary& summary, std::ostream& out) {
  size_t width = 8;
  for (const auto& row : summary.rows) width = std::max(width, heap_label(model, row.heap).size());
  auto line = [&](const std::string& heap, const std::vector<std::string>& cells) {
    static constexpr int kWidths[] = {8, 8, 7, 7, 7, 6, 6, 6, 6, 5, 9, 7};
    std::string text = heap + std::string(width - std::min(width, heap.size()), ' ');
    for (size_t i = 0; i < cells.size(); ++i)
      text += printf_string(" %*s", kWidths[i], cells[i].c_str());
    return text;
  };
  out << line("  Heap", {"Flags", "Reserv", "Commit", "Virt", "Free", "List", "UCR", "Virt", "Lock",
                         "Fast", "Busy", "Busy"})
      << "  Id\n"
      << line("", {"", "(k)", "(k)", "(k)", "(k)", "length", "", "blocks", "cont.", "heap", "(k)",
                   "blocks"})
      << "\n";
  std::string rule(width + 89, '-');
  out << rule << "\n";
  for (const auto& row : summary.rows) {
    const Arena* arena = arena_of(model, row.heap);
    // Saved `!heap -s` text: its own columns, as the text gave them.
    bool windows = arena && (arena->heap_flags || !arena->front_end.empty() ||
                             arena->virtual_bytes || arena->uncommitted_ranges);
    bool figures = summary.allocator_figures || row.heap.kind != HeapKind::kArena;
    auto count = [](bool known, uint64_t n) {
      return known ? std::to_string(n) : std::string("-");
    };
    std::vector<std::string> cells;
    if (windows) {
      cells = {printf_string("%08llx", ull(arena->heap_flags)),
               std::to_string(arena->aspace_total / 1024),
               std::to_string(arena->system_current / 1024),
               std::to_string(arena->virtual_bytes / 1024),
               std::to_string(arena->free_rest_bytes / 1024),
               std::to_string(arena->free_rest_count),
               std::to_string(arena->uncommitted_ranges),
               std::to_string(arena->virtual_blocks),
               std::to_string(arena->lock_contention),
               arena->front_end};
    } else {
      cells = {"-",
               kb_or_dash(figures, row.now.reserved),
               kb_or_dash(figures, row.now.committed),
               "-",
               kb_or_dash(figures, row.now.free_bytes),
               count(figures, row.now.free_blocks),
               "-",
               "-",
               "-",
               ""};
    }
    cells.push_back(std::to_string(row.now.busy_bytes / 1024));
    cells.push_back(std::to_string(row.now.busy_blocks));
    out << line(heap_label(model, row.heap), cells) << "  " << row.id << "\n";
    if (!windows && figures && row.now.fragmentation >= 0.10)
      out << printf_string("    External fragmentation  %d %% (%llu free blocks)\n",
                           static_cast<int>(row.now.fragmentation * 100), ull(row.now.free_blocks));
  }
  out << rule << "\n";
}

void print_heap_stat(const HeapModel& model, const StatResult& stat, StatOrder order,
                     size_t max_display, std::ostream& out) {
  std::vector<StatGroup> groups = stat.groups;
  const char* group_by = "TOTSIZE";
  if (order == StatOrder::kBlockCount) {
    group_by = "BLOCKCOUNT";
    std::stable_sort(groups.begin(), groups.end(),
                     [](const StatGroup& a, const StatGroup& b) { return a.blocks > b.blocks; });
  } else if (order == StatOrder::kAllocationSize) {
    group_by = "ALLOCATIONSIZE";
    std::stable_sort(groups.begin(), groups.end(), [](const StatGroup& a, const StatGroup& b) {
      return a.size.value_or(0) > b.size.value_or(0);
    });
  }
  if (groups.size() > max_display) groups.resize(max_display);
  std::string heap = "all heaps";
  if (!stat.heap.empty()) heap = heap_label(model, parse_heap_id(model, stat.heap));
  out << " heap @ " << heap << "\n"
      << "group-by: " << group_by << " max-display: " << max_display << "\n"
      << "    size     #blocks     total     ( %) (percent of total busy bytes)\n";
  for (const auto& g : groups)
    out << printf_string("    %llx %llx - %llx  (%.2f)\n", ull(g.size.value_or(0)), ull(g.blocks),
                         ull(g.total), g.percent);
  if (stat.group_count > groups.size())
    out << printf_string("    (%zu more sizes; busy total %llx bytes in %llx blocks)\n",
                         stat.group_count - groups.size(), ull(stat.busy_bytes),
                         ull(stat.busy_blocks));
}

namespace {

void print_entry_header(std::ostream& out) {
  out << "      HEAP_ENTRY Size Prev Flags    UserPtr UserSize - state\n";
}

// One HEAP_ENTRY row. For glibc the entry is the chunk header (user pointer - 16), Size
// counts 16-byte units and Flags holds glibc's bits (2 mmapped, 4 thread arena); the
// previous chunk's size is not recorded, so Prev prints as dashes.
void print_entry(const HeapModel& model, const Block& block, std::ostream& out) {
  auto facts = chunk_facts(model, block);
  uint64_t entry = facts ? facts->chunk_address : block.address;
  std::string units = facts ? printf_string("%04llx", ull(facts->chunk_size / 16)) : "----";
  unsigned flags = facts ? (facts->is_mmapped ? 2u : 0u) | (facts->non_main_arena ? 4u : 0u) : 0u;
  out << printf_string("        %08llx %s ----  [%02x]   %08llx    %05llx - (busy)\n", ull(entry),
                       units.c_str(), flags, ull(block.address), ull(block.size));
}

}  // namespace

void print_heap_filter(const HeapModel& model, const BlockListing& listing, std::ostream& out) {
  std::string current_heap;
  size_t listed = 0, only_counted = 0;
  for (const auto& row : listing.rows) {
    if (row.block->address == 0 && !model.caps.block_addresses) {
      ++only_counted;
      continue;
    }
    if (listed == kFilterLimit) continue;
    ++listed;
    std::string heap = heap_label(model, parse_heap_id(model, row.heap));
    if (heap != current_heap) {
      out << "    _HEAP @ " << heap << "\n";
      print_entry_header(out);
      current_heap = heap;
    }
    print_entry(model, *row.block, out);
    if (!row.type.empty()) out << "          " << row.type << "\n";
  }
  uint64_t unlisted = listing.total - listed - only_counted;
  if (unlisted > 0)
    out << printf_string("    ... %llx (0n%llu) more blocks not listed; narrow the range\n",
                         ull(unlisted), ull(unlisted));
  if (only_counted > 0)
    out << printf_string(
        "    %llx (0n%llu) more blocks known only by count (imported !heap -stat or UMDH)\n",
        ull(only_counted), ull(only_counted));
  if (listing.total == 0) out << "    no busy blocks of that size\n";
}

void print_heap_address(const HeapModel& model, Symbolizer& symbolizer, uint64_t address,
                        std::ostream& out) {
  BlockDetail detail = inspect_address(model, &symbolizer, address);
  const Block* above = detail.above;
  // Blocks of an imported histogram have no address: they hold nothing.
  if (detail.block && detail.block->address == 0 && !model.caps.block_addresses)
    detail = BlockDetail{};
  // WinDbg users type the HEAP_ENTRY address, just below the user pointer (glibc's chunk
  // header is 16 bytes; Windows entries with +ust take up to 0x20).
  uint64_t header = model.allocator == 1 ? 16 : 0x20;
  if (!detail.found() && above && above->address > address && above->address - address <= header)
    detail = inspect_address(model, &symbolizer, above->address);
  out << "    address " << handle_text(address);
  if (detail.block) {
    const Block& block = *detail.block;
    out << " found in\n";
    out << "    _HEAP @ " << heap_label(model, heap_of(block)) << "\n";
    print_entry_header(out);
    print_entry(model, block, out);
    if (!detail.type.empty()) out << "          " << detail.type << "\n";
  } else if (detail.region) {
    const Region& region = *detail.region;
    out << " found in\n"
        << printf_string("    mmap region %llx - %llx (%llx bytes)\n", ull(region.address),
                         ull(region.address + region.length), ull(region.length));
  } else {
    out << " not found in any heap block\n";
    if (detail.below)
      out << printf_string("    nearest block below: %llx (%llx bytes)\n",
                           ull(detail.below->address), ull(detail.below->size));
    if (detail.above)
      out << printf_string("    nearest block above: %llx (%llx bytes)\n",
                           ull(detail.above->address), ull(detail.above->size));
    if (detail.mapping)
      out << printf_string("    in mapping %llx - %llx %s %s\n", ull(detail.mapping->start),
                           ull(detail.mapping->end), detail.mapping->kind.c_str(),
                           detail.mapping->name.c_str());
    return;
  }
  for (const auto& frame : detail.frames) {
    out << "        " << handle_text(frame.address);
    if (!frame.module.empty()) out << " " << windbg_frame(frame);
    out << "\n";
  }
  if (detail.frames.empty()) out << "        (no allocation stack recorded)\n";
  if (detail.block && model.tick_ns)
    out << "    age " << format_duration(detail.age_seconds) << ", thread " << detail.thread << ", "
        << detail.api << "\n";
}

void print_nearest_symbol(const HeapModel& model, Symbolizer& symbolizer, uint64_t address,
                          std::ostream& out) {
  // One code path with `leakdbg ln`: the same return-address rule, the same line.
  bool has_module = std::any_of(model.modules.begin(), model.modules.end(),
                                [](const Module& m) { return !m.path.empty(); });
  std::string without_symbols;  // the module is known, its file has no symbols
  if (has_module) {
    try {
      LnReport report = ln_report(model, symbolizer, address, false);
      if (report.symbol) {
        out << ln_text(report);
        return;
      }
      without_symbols = ln_text(report);
    } catch (const Error&) {
      // Outside every module: imported frames below may still know the address.
    }
  }
  // Imported text carries resolved frames with their addresses: answer from those.
  for (const auto& stack : model.stacks)
    for (const auto& frame : stack.symbols)
      if (frame.address == address && !frame.module.empty()) {
        std::string where;
        if (!frame.file.empty())
          where = "[" + frame.file + " @ " + std::to_string(frame.line) + "] ";
        out << " " << where << "(" << handle_text(address - frame.offset) << ")   "
            << windbg_frame(SymbolicFrame{0, frame.module, frame.function, "", 0, frame.offset,
                                          false, false})
            << "\n";
        return;
      }
  if (!without_symbols.empty()) {
    out << without_symbols;
    return;
  }
  out << "    no symbol known at " << handle_text(address) << "\n";
}

void print_snapshot_list(const std::vector<const HeapModel*>& models,
                         const std::vector<std::string>& names, size_t current, std::ostream& out) {
  for (size_t i = 0; i < models.size(); ++i) {
    const HeapModel& m = *models[i];
    out << (i == current ? ". " : "  ") << i << "  " << names[i] << "  " << m.source_kind;
    if (m.sequence) out << " #" << m.sequence;
    if (m.trigger != Trigger::kUnknown) out << " " << trigger_name(m.trigger);
    out << "  " << m.blocks.size() << " blocks, " << format_bytes(m.heap_bytes()) << "\n";
  }
}

}  // namespace leakdbg::prompt
