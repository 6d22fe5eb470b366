// The page's data: everything the HTML report draws, as one JSON document. The analysis
// supplies the numbers and its findings (analyze_to_json); this adds what only pictures
// need: each suspect's series, the flame tree, the address space by memory type per
// snapshot, the tracker's samples between snapshots and source lines around the sites.
#pragma once

#include <nlohmann/json.hpp>

#include "analysis/analyze.h"
#include "report/flame_tree.h"
#include "report/snapshot_extras.h"

namespace leakdbg::report {

struct DataOptions {
  size_t max_samples = 1500;  // samples kept for the memory chart (evenly thinned)
  size_t max_sources = 10;    // suspects that get source lines
  FlameOptions flame;
};

// `report` must come from an analysis with keep_site_series set; `extras` from the same
// snapshots.
nlohmann::json report_data(const analysis::AnalyzeReport& report, const ExtrasCollector& extras,
                           const DataOptions& options = {});

}  // namespace leakdbg::report
