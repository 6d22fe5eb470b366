// `leakdbg report DIR | SNAP... -o leak-report.html`: the analysis as one self-contained
// HTML page (verdict, suspects, memory over time, flame graphs, VMMap view).
#include <cstdint>
#include <memory>

#include "cli/analyze_options.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "report/report_build.h"
#include "util/atomic_file.h"

namespace leakdbg::cli {

namespace {

struct ReportArgs {
  AnalyzeFlags analysis;
  std::string output = "leak-report.html";
};

Action setup_report(CommandOptions& app) {
  auto args = std::make_shared<ReportArgs>();
  args->analysis.add_to(app);
  app.add_option("-o,--output", args->output, "The HTML file to write")->capture_default_str();
  return [args] {
    analysis::AnalyzeOptions options = args->analysis.options();
    write_file_atomically(args->output, report::build_report_page(args->analysis.inputs, options));
    return 0;
  };
}

const Registration report_registration("report", setup_report);

}  // namespace

}  // namespace leakdbg::cli
