// `leakdbg diff` output: UMDH-style records (growth, old and new, the stack) or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/diff.h"
#include "util/number_style.h"

namespace leakdbg::analysis {

// `style` renders bytes and counts (`--hex`: bare hex as WinDbg prints them).
void print_diff_text(std::ostream& out, const DiffReport& report, const NumberStyle& style = {},
                     size_t max_stacks = 20);
nlohmann::json diff_to_json(const DiffReport& report);

}  // namespace leakdbg::analysis
