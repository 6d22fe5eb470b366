// Reachability at a snapshot (docs/tracker.md, "Reachability"): the program's threads are
// stopped for an instant, the process forks a copy of itself with a raw clone (no fork
// handlers, no allocation), the threads go on, and the copy classifies every live block in
// the background while the snapshot copies its blocks. The copy's answer comes back through
// shared pages and is joined to the snapshot's blocks by address.
#pragma once

#include <ucontext.h>

#include <cstddef>
#include <cstdint>

#include "format/records.h"
#include "format/snapshot_writer.h"
#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

// A scan and, once finished, its answer: arrays in the pages the scanning copy filled,
// written to the snapshot from there (write_released) and unmapped with the run.
struct ReachabilityRun {
  ReachabilityRun() = default;
  ReachabilityRun(const ReachabilityRun&) = delete;
  ReachabilityRun& operator=(const ReachabilityRun&) = delete;
  ~ReachabilityRun();

  bool attempted = false;
  fmt::ReachabilityRecord record{};
  void* shared = nullptr;
  size_t shared_bytes = 0;
  long child = -1;
  bool blocks_provided = false;   // the scan's copy gave the snapshot its blocks
  bool regions_provided = false;  // and its regions, with their classes
  // With blocks_provided: the blocks of the scan's moment (address order; temporary arena
  // numbers, see block_copy.h), their classes, the referrers, the regions and theirs.
  fmt::BlockRecord* blocks = nullptr;
  size_t block_count = 0;
  fmt::BlockReachRecord* classes = nullptr;
  fmt::ReferrerRecord* referrers = nullptr;
  size_t referrer_count = 0;
  fmt::ReferrerRecord* region_referrers = nullptr;  // the classified regions' (type 19)
  size_t region_referrer_count = 0;
  fmt::RegionRecord* regions = nullptr;
  fmt::BlockReachRecord* region_classes = nullptr;
  size_t region_count = 0;
  const uintptr_t* arenas = nullptr;
  int arena_count = 0;
};

// Whether snapshots of this trigger get a scan (LEAKDBG_REACHABILITY), or `forced`.
bool wants_reachability(fmt::Trigger trigger, bool forced);

// Starts the scan. Called before the snapshot copies its blocks, holding no tracker lock.
void begin_reachability(ReachabilityRun& run);

// Waits for the scan and fills run.record. A complete scan gives the snapshot the blocks of
// its moment (run.blocks_provided), so that a block freed and another allocated at its
// address meanwhile cannot take its class, and likewise its regions; the arrays stay in
// the run's shared pages, not copied.
void finish_reachability(ReachabilityRun& run);

// Writes `bytes` at `data` (inside the run's shared pages) as one section, giving back each
// page once written: the snapshot never holds a second copy of the scan's answer, and the
// answer itself only a piece at a time.
// `write`, if given, writes each piece instead of SnapshotWriter::write (it may change the
// piece in place first).
bool write_released(fmt::SnapshotWriter& writer, fmt::SectionType type, void* data, size_t bytes,
                    bool (*write)(fmt::SnapshotWriter& writer, void* piece, size_t bytes,
                                  void* context) = nullptr,
                    void* context = nullptr);

// The tracker's own thread, whose stack and registers hold no program data.
void set_tracker_thread_id(uint32_t tid);

// A program thread about to take a snapshot itself (exit, leakdbg_snapshot()) saves its
// registers and stack pointer first: the scan reads its stack from that point up, not the
// tracker's frames below, whose stale slots could keep lost blocks looking referenced. A
// macro, so that the context is the entry point's own frame.
extern __thread ucontext_t t_snapshot_caller __attribute__((tls_model("initial-exec")));
extern __thread bool t_snapshot_caller_valid __attribute__((tls_model("initial-exec")));
#define LEAKDBG_NOTE_SNAPSHOT_CALLER()           \
  (::leakdbg::tracker::t_snapshot_caller_valid = \
       getcontext(&::leakdbg::tracker::t_snapshot_caller) == 0)

}  // namespace leakdbg::tracker
