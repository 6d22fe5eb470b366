#include "symbolize/ln_report.h"

#include "symbolize/frame_render.h"
#include "symbolize/short_name.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg {

namespace {

bool is_stack_return_address(const HeapModel& model, uint64_t address) {
  for (const auto& stack : model.stacks)
    for (uint64_t frame : stack.frames)
      if (frame == address) return true;
  return false;
}

// Names the closest module below, to tell a mistyped address from a module not listed.
[[noreturn]] void throw_outside_modules(const HeapModel& model, uint64_t address) {
  const Module* below = nullptr;
  uint64_t below_end = 0;
  for (const auto& module : model.modules)
    for (const auto& seg : module.segments)
      if (seg.end <= address && seg.end > below_end) {
        below = &module;
        below_end = seg.end;
      }
  std::string message = format_hex(address) + ": not in any module of the snapshot";
  if (below)
    message += " (nearest below: " + below->path + ", ending at " + format_hex(below_end) + ")";
  throw Error(message);
}

}  // namespace

LnReport ln_report(const HeapModel& model, Symbolizer& symbolizer, uint64_t address, bool exact) {
  LnReport report;
  report.address = address;
  report.return_address = !exact && address > 0 && is_stack_return_address(model, address);
  report.frames = symbolizer.frames_at(address, report.return_address);
  if (report.frames.empty() || report.frames.front().module.empty())
    throw_outside_modules(model, address);
  report.symbol = symbolizer.nearest_symbol(address, report.return_address);
  const uint64_t looked_up = report.return_address ? address - 1 : address;
  if (report.symbol && report.symbol->start == looked_up)
    report.exact_matches = symbolizer.symbols_at(looked_up);
  return report;
}

std::string ln_text(const LnReport& report) {
  if (!report.symbol)
    return frame_to_text(report.frames.front()) + "  (no symbols for this module)\n";
  const NearestSymbol& symbol = *report.symbol;
  std::string text;
  if (!symbol.file.empty()) text += "[" + symbol.file + " @ " + std::to_string(symbol.line) + "] ";
  // Symbol-table names cannot tell overloads apart: their parameters stay.
  text += "(" + format_hex(symbol.start) + ") " + symbol.module + "!" +
          function_text(symbol.name, true);
  if (report.address != symbol.start) text += "+" + format_hex(report.address - symbol.start);
  if (symbol.next)
    text += " | (" + format_hex(symbol.next->second) + ") " + symbol.module + "!" +
            function_text(symbol.next->first, true);
  text += "\n";
  if (report.return_address)
    text +=
        "(a return address of the snapshot's stacks: the call's position is shown; --exact "
        "for the address itself)\n";
  if (!symbol.inline_chain.empty()) {
    text += "Inline frames at this address, innermost first:\n";
    for (const auto& frame : report.frames) text += "    " + frame_to_text(frame) + "\n";
  }
  if (!report.exact_matches.empty()) {
    text += "Exact matches:\n";
    for (const auto& name : report.exact_matches)
      text += "    " + symbol.module + "!" + function_text(name, true) + "\n";
  }
  return text;
}

nlohmann::json ln_json(const LnReport& report) {
  nlohmann::json out = {{"address", format_hex(report.address)},
                        {"return_address", report.return_address},
                        {"module", report.frames.empty() ? "" : report.frames.front().module},
                        {"frames", frames_to_json(report.frames)},
                        {"exact_matches", report.exact_matches}};
  if (!report.symbol) {
    out["function"] = "";
    out["short_function"] = "";
    out["offset"] = report.frames.empty() ? 0 : report.frames.front().offset;
    out["start"] = nullptr;
    out["file"] = "";
    out["line"] = 0;
    out["next"] = nullptr;
    return out;
  }
  const NearestSymbol& symbol = *report.symbol;
  out["function"] = symbol.name;
  out["short_function"] = short_function_name(symbol.name, true);
  out["raw_name"] = symbol.raw_name;
  out["start"] = format_hex(symbol.start);
  out["size"] = symbol.size;
  out["offset"] = report.address - symbol.start;
  out["file"] = symbol.file;
  out["line"] = symbol.line;
  out["next"] = symbol.next ? nlohmann::json{{"function", symbol.next->first},
                                             {"address", format_hex(symbol.next->second)}}
                            : nlohmann::json(nullptr);
  return out;
}

}  // namespace leakdbg
