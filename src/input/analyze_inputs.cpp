#include "input/analyze_inputs.h"

#include <filesystem>

#include "input/load.h"
#include "util/error.h"

namespace leakdbg::input {

analysis::AnalyzeReport analyze_paths(const std::vector<std::string>& inputs,
                                      const analysis::AnalyzeOptions& options) {
  namespace fs = std::filesystem;
  if (inputs.empty()) throw Error("nothing to analyze: give a directory or snapshot files");
  std::vector<analysis::AnalyzeInput> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      for (const std::string& file : snapshot_files_in(input)) files.push_back({file, true});
    } else {
      files.push_back({input, false});
    }
  }
  return analysis::analyze_files(files, load_models, options);
}

}  // namespace leakdbg::input
