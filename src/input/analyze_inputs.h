// `leakdbg analyze` over what the user named: snapshot files, directories of snapshots, or
// saved Windows text, each read through the input layer.
#pragma once

#include <string>
#include <vector>

#include "analysis/analyze.h"

namespace leakdbg::input {

// Directories expand to their snapshot files in sequence order. Throws leakdbg::Error with
// one line for unusable input.
analysis::AnalyzeReport analyze_paths(const std::vector<std::string>& inputs,
                                      const analysis::AnalyzeOptions& options);

}  // namespace leakdbg::input
