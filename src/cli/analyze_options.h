// The options every command that runs the analysis shares (`analyze`, `report`): inputs,
// --across-runs, --top, the symbol options and --alloc-fn, and the AnalyzeOptions they make.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "cli/inspect_format.h"

namespace leakdbg::cli {

class CommandOptions;

struct AnalyzeFlags {
  std::vector<std::string> inputs;
  bool across_runs = false;
  size_t top = 20;
  SymbolFlags symbols;
  std::vector<std::string> alloc_fns;

  void add_to(CommandOptions& app);
  // Throws leakdbg::Error (usage) for a --alloc-fn pattern that does not compile, before any
  // input is read.
  analysis::AnalyzeOptions options() const;
};

}  // namespace leakdbg::cli
