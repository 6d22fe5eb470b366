// `leakdbg diff` output: UMDH-style records (growth, old and new, the stack) or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/diff.h"

namespace leakdbg::analysis {

void print_diff_text(std::ostream& out, const DiffReport& report, size_t max_stacks = 20);
nlohmann::json diff_to_json(const DiffReport& report);

}  // namespace leakdbg::analysis
