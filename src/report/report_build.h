// `leakdbg report`: analyse snapshots (or saved Windows text) and write the HTML page.
#pragma once

#include <string>
#include <vector>

#include "analysis/analyze.h"
#include "report/report_data.h"

namespace leakdbg::report {

// Analyses `inputs` as `leakdbg analyze` does (options.keep_site_series and on_model are
// set here) and returns the page. Throws leakdbg::Error for unusable input.
std::string build_report_page(const std::vector<std::string>& inputs,
                              analysis::AnalyzeOptions options, const DataOptions& data = {});

// The page for an analysis already made (keep_site_series set), with its snapshots' extras.
std::string page_of(const analysis::AnalyzeReport& report, const ExtrasCollector& extras,
                    const DataOptions& data = {});

}  // namespace leakdbg::report
