// `leakdbg analyze` output: a readable verdict first (does it leak, where, how fast), then
// the workflow's steps; or the same as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/analyze.h"

namespace leakdbg::analysis {

void print_analyze_text(std::ostream& out, const AnalyzeReport& report);
nlohmann::json analyze_to_json(const AnalyzeReport& report);

}  // namespace leakdbg::analysis
