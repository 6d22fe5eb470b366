// WinDbg's `ln ADDR` answer over a heap model: nearest symbols, source position, inline
// frames and exact matches, rendered as text or JSON. Used by `leakdbg ln` and the prompt.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "symbolize/symbolizer.h"

namespace leakdbg {

struct LnReport {
  uint64_t address = 0;
  bool return_address = false;             // looked up at address - 1 (a stack's return address)
  std::optional<NearestSymbol> symbol;     // empty: the module has no usable symbols
  std::vector<std::string> exact_matches;  // symbols starting exactly at the looked-up address
  std::vector<SymbolicFrame> frames;       // frames at the address, inlined callees first
};

// Resolves `address`. Unless `exact`, an address that one of the model's stacks holds is
// taken as a return address, so that `ln` names the same line as the stack does. Throws
// leakdbg::Error (one line, naming the nearest module below) for an address in no module.
LnReport ln_report(const HeapModel& model, Symbolizer& symbolizer, uint64_t address, bool exact);

// "[file @ line] (start) module!function+0xoff | (next) module!next", then inline frames
// and "Exact matches:" when there are any; every line ends with '\n'.
std::string ln_text(const LnReport& report);

nlohmann::json ln_json(const LnReport& report);

}  // namespace leakdbg
