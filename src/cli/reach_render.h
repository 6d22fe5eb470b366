// Rendering of reachability for the inspection commands: class totals, referrers and the
// retainer path, as text and JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "analysis/reach_summary.h"
#include "cli/inspect_format.h"

namespace leakdbg::cli {

// {"status", "reachable": {"blocks", "bytes"}, "possibly", "indirect", "unreachable", ...};
// null when no scan was attempted.
nlohmann::json reach_summary_json(const ReachSummary& summary);
// {"reachable": {"regions", "bytes"}, "possibly", "indirect", "unreachable"} of the
// classified mmap regions; null when the snapshot does not classify them.
nlohmann::json region_classes_json(const ReachSummary& summary);
// "reachability: 12 blocks (3.1 KiB) unreachable, ..." lines; nothing without a scan.
void print_reach_summary(const ReachSummary& summary, const NumberStyle& style, std::ostream& out);

// Referrers resolved with symbols (global names, holders' allocation sites).
class ReferrerRenderer {
 public:
  ReferrerRenderer(const HeapModel& model, Symbolizer* symbolizer, const NumberStyle& style)
      : model_(model), symbolizer_(symbolizer), style_(style) {}
  // "global g_registry +8 (cfghost)", "block 0x5581... +32 (Registry::add)",
  // "stack of thread 812 (worker)", "register r12 of thread 812"
  std::string text(const ReferrerInfo& r);
  // {"kind", "address", "offset", "module", "symbol", "site"}
  nlohmann::json json(const ReferrerInfo& r);

 private:
  std::string module_name(const ReferrerInfo& r) const;
  std::string symbol(const ReferrerInfo& r);
  std::string site(const ReferrerInfo& r);

  const HeapModel& model_;
  Symbolizer* symbolizer_;
  NumberStyle style_;
};

}  // namespace leakdbg::cli
