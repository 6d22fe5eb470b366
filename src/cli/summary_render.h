// The renderers of `leakdbg summary` (cmd_summary.cpp): one row per heap, as `!heap -s`,
// with change columns against a base, as text and JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "analysis/heap_summary.h"
#include "cli/inspect_format.h"

namespace leakdbg::cli {

// `base` is the base snapshot's path, "" without one. Figures the source did not give are null.
nlohmann::json summary_json(const HeapSummary& summary, const std::string& snapshot,
                            const std::string& base);

// The heap table, then notes on figures the source did not give ("-").
void print_summary(const HeapSummary& summary, const NumberStyle& style, std::ostream& out);

}  // namespace leakdbg::cli
