// What the page shows of each snapshot beyond what the analysis digests keep: the tracker's
// own memory, the address space by memory type (VMMap), and the samples between snapshots.
// Filled through AnalyzeOptions::on_model while the snapshots stream past.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/heap_model.h"
#include "procmem/vm_summary.h"

namespace leakdbg::report {

struct SnapshotExtras {
  std::string path;
  uint64_t sequence = 0;
  uint64_t snap_monotonic_ns = 0;
  bool has_tracker_bytes = false;
  uint64_t tracker_bytes = 0;
  std::optional<procmem::VmSummary> vmmap;  // empty when the snapshot recorded no smaps
  std::vector<Sample> samples;
};

class ExtrasCollector {
 public:
  void add(const HeapModel& model);
  // The entry of the snapshot with this path and sequence, nullptr if none was seen.
  const SnapshotExtras* find(const std::string& path, uint64_t sequence) const;

 private:
  std::vector<SnapshotExtras> extras_;
};

}  // namespace leakdbg::report
