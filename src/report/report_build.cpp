#include "report/report_build.h"

#include <filesystem>

#include "input/analyze_inputs.h"
#include "report/html_page.h"

namespace leakdbg::report {

std::string page_of(const analysis::AnalyzeReport& report, const ExtrasCollector& extras,
                    const DataOptions& data) {
  std::string program = report.executable.empty()
                            ? std::string("imported text")
                            : std::filesystem::path(report.executable).filename().string();
  return render_page("leakdbg report: " + program, report_data(report, extras, data));
}

std::string build_report_page(const std::vector<std::string>& inputs,
                              analysis::AnalyzeOptions options, const DataOptions& data) {
  ExtrasCollector extras;
  options.keep_site_series = true;
  options.on_model = [&extras](const HeapModel& model) { extras.add(model); };
  analysis::AnalyzeReport report = input::analyze_paths(inputs, options);
  return page_of(report, extras, data);
}

}  // namespace leakdbg::report
