// The renderers of `leakdbg block` (cmd_block.cpp): the block or mmap region holding an
// address, as `!heap -p -a`, with its allocation stack and, in a classified snapshot, its
// class, referrers and retainer path; or the nearest blocks when none holds it.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "analysis/block_detail.h"
#include "cli/inspect_format.h"
#include "cli/reach_render.h"

namespace leakdbg::cli {

// Referrers listed without `all_referrers`: the first this many.
constexpr size_t kReferrersShown = 20;

nlohmann::json block_json(const HeapModel& model, const BlockDetail& detail,
                          ReferrerRenderer& render, bool all_referrers);

void print_block(const HeapModel& model, const BlockDetail& detail, ReferrerRenderer& render,
                 bool all_referrers, const NumberStyle& style, std::ostream& out);

}  // namespace leakdbg::cli
