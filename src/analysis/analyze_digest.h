// What `analyze` keeps of each snapshot once the snapshot itself is dropped: per call site
// the live bytes, blocks and block ages, per heap and per block size the live totals, and
// the process figures. Snapshots are read one at a time and digested, so analysing twenty
// snapshots needs the memory of one plus these small aggregates.
//
// Stacks are kept as the snapshot gave them (return addresses) and interned per process
// run; they are symbolized once, after the last snapshot, with the run's final module list
// (see analyze_sites.h). That keeps symbolization out of the per-snapshot loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/heap_summary.h"
#include "model/heap_model.h"

namespace leakdbg::analysis {

enum class SiteKind : uint8_t { kHeap, kMmap };
std::string_view site_kind_name(SiteKind kind);  // "heap", "mmap"

struct LiveTotal {
  uint64_t blocks = 0, bytes = 0;
};

// An interned stack of one process run: an index into that run's RunStacks::stacks.
enum class StackId : uint32_t {};
// A call site (stacks of every run merged by symbols): an index into ResolvedSites::sites.
enum class SiteId : uint32_t {};

inline size_t index_of(StackId id) { return static_cast<size_t>(id); }
inline size_t index_of(SiteId id) { return static_cast<size_t>(id); }

// Live memory of one stack (before resolution) or one site (after) in one snapshot.
template <typename Id>
struct LiveCell {
  Id id{};
  uint64_t bytes = 0, blocks = 0;
  // Blocks allocated no later than the previous snapshot of the same run: those that
  // survived an interval. Only meaningful when SnapshotDigest::survivor_base is set.
  uint64_t survivors = 0;
  uint64_t oldest_age_ns = 0, youngest_age_ns = UINT64_MAX;
  double age_sum_ns = 0;  // for the mean age
  // Of `blocks`, by reachability class, when the snapshot was classified
  // (SnapshotDigest::has_reachability); the rest were reachable.
  LiveTotal unreachable, indirect, possibly;
  // Shared anonymous regions, which the scan leaves unclassified: not among the reachable.
  LiveTotal unclassified;
};
using StackCell = LiveCell<StackId>;
using SiteCell = LiveCell<SiteId>;

// What holds some of a stack's reachable blocks at one snapshot: the root at the top of
// their retainer paths and the first block below it (retainer_roots.h).
struct HolderCell {
  uint32_t cell = 0;  // index into SnapshotDigest::cells
  ReferrerKind root = ReferrerKind::kNone;
  // Memory roots inside a module: the word's address, named once the run is symbolized
  // (0 for memory outside every module). Thread roots: the thread.
  uint64_t slot = 0;
  uint32_t module = UINT32_MAX;  // index into SnapshotDigest::holder_modules
  uint32_t tid = 0;
  // The stack of the block the root points at, when that is not the held block itself.
  std::optional<StackId> container;
  uint64_t blocks = 0, bytes = 0;
};

struct SnapshotDigest {
  std::string path, source_kind;
  size_t run = 0;  // index into Digester::runs()
  uint32_t pid = 0;
  uint64_t sequence = 0;
  Trigger trigger = Trigger::kUnknown;
  std::string label;
  uint64_t snap_realtime_ns = 0, snap_monotonic_ns = 0, current_tick = 0;
  bool has_ages = false;     // blocks carry allocation ticks
  bool has_regions = false;  // the source tracks mmap regions
  // False when the source gives bytes but not block counts (a UMDH comparison without count
  // lines): block figures of this state are not the text's.
  bool block_counts_known = true;

  bool has_process = false;  // /proc figures were recorded
  uint64_t private_bytes = 0, rss_bytes = 0;
  uint64_t tracker_bytes = 0;  // the tracker's own memory (TrackerStats), 0 if unknown

  LiveTotal heap, mmap;
  std::map<std::string, LiveTotal> heaps;  // "main arena", "arena 1", "mmapped chunks"
  // The heaps' own figures (committed, reserved) as the allocator or the debugger states
  // them, by the same names as `heaps`; figures_known false where the source names a heap
  // without them.
  std::map<std::string, HeapFigures> heap_figures;
  std::unordered_map<uint64_t, LiveTotal> sizes;  // heap blocks by requested size
  std::vector<StackCell> cells;                   // heap and mmap stacks, any order
  std::vector<Sample> samples;

  // Sequence of the snapshot whose tick counted SiteCell::survivors (same run), if any.
  std::optional<uint64_t> survivor_base;

  // A complete reachability scan: the cells' classes are filled (the mmap cells' too with
  // has_region_classes).
  bool has_reachability = false;
  bool has_region_classes = false;
  // Who holds the reachable blocks, kept for the last exit snapshot and the last other
  // snapshot with classes only (Digester::add clears older ones).
  std::vector<HolderCell> holders;
  std::vector<std::string> holder_modules;                 // module paths
  std::unordered_map<uint32_t, std::string> thread_names;  // of thread roots
};

// The stacks of one process run, interned by content so that equal stacks of different
// snapshots share one index, plus the run's modules for symbolizing them at the end.
struct RunStacks {
  uint32_t pid = 0;
  uint64_t start_realtime_ns = 0;
  std::string executable, build_id;  // build_id as lowercase hex, "" if unknown
  HeapModel modules;                 // header and modules only: what a Symbolizer needs
  std::vector<Stack> stacks;         // index -> stack as first seen
  std::vector<SiteKind> kinds;
  std::unordered_map<std::string, StackId> index;
  std::optional<uint64_t> last_sequence;  // of the last digested snapshot of this run
  uint64_t last_tick = 0;
};

class Digester {
 public:
  // Digests one model (the model may be dropped afterwards). `path` names it in messages.
  const SnapshotDigest& add(const HeapModel& model);

  const std::vector<SnapshotDigest>& digests() const { return digests_; }
  std::vector<SnapshotDigest>& digests() { return digests_; }
  const std::vector<RunStacks>& runs() const { return runs_; }

 private:
  size_t run_of(const HeapModel& model);

  std::vector<SnapshotDigest> digests_;
  std::vector<RunStacks> runs_;
  // The digests whose holders are kept: the last exit snapshot and the last other one.
  std::optional<size_t> exit_holders_, running_holders_;
};

// The lowercase hex build-id of the model's executable module, "" if unknown.
std::string executable_build_id(const HeapModel& model);

}  // namespace leakdbg::analysis
