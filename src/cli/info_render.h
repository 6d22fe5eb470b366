// The renderers of `leakdbg info` (cmd_info.cpp): what one snapshot holds, as text and JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "model/heap_model.h"
#include "model/model_totals.h"

namespace leakdbg::cli {

nlohmann::json info_json(const HeapModel& m, const ModelTotals& t);

// One "key value" line per figure; arguments, paths and labels with control characters escaped.
std::string info_text(const HeapModel& m, const ModelTotals& t);

}  // namespace leakdbg::cli
