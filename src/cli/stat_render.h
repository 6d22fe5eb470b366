// The renderers of `leakdbg stat` (cmd_stat.cpp): busy blocks grouped by size, site,
// function, module or type, as `!heap -stat`, as text and JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "analysis/size_stat.h"
#include "cli/inspect_format.h"

namespace leakdbg::cli {

// `base` is the base snapshot's path, "" without one.
nlohmann::json stat_json(const StatResult& result, const std::string& snapshot,
                         const std::string& base);

// The heading line, the group table, and for sites each group's stack.
void print_stat(const StatResult& result, const NumberStyle& style, std::ostream& out);

}  // namespace leakdbg::cli
