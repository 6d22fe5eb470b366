#include "report/snapshot_extras.h"

#include "procmem/model_knowledge.h"
#include "util/error.h"

namespace leakdbg::report {

void ExtrasCollector::add(const HeapModel& model) {
  SnapshotExtras extras;
  extras.path = model.source_path;
  extras.sequence = model.sequence;
  extras.snap_monotonic_ns = model.snap_monotonic_ns;
  // Imported text has no tracker, so no tracker memory to report.
  extras.has_tracker_bytes = model.source_kind == "ldsnap";
  extras.tracker_bytes = model.stats.tracker_bytes;
  if (!model.smaps.empty()) {
    try {
      extras.vmmap = procmem::view_of_model(model).summary;
    } catch (const Error&) {
      // Damaged smaps text: the page says the view is missing, the rest still stands.
    }
  }
  extras.samples = model.samples;
  extras_.push_back(std::move(extras));
}

const SnapshotExtras* ExtrasCollector::find(const std::string& path, uint64_t sequence) const {
  for (const SnapshotExtras& e : extras_)
    if (e.path == path && e.sequence == sequence) return &e;
  return nullptr;
}

}  // namespace leakdbg::report
