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
#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

struct ReachabilityRun {
  bool attempted = false;
  fmt::ReachabilityRecord record{};
  void* shared = nullptr;
  size_t shared_bytes = 0;
  long child = -1;
  bool blocks_provided = false;   // the scan's copy gave the snapshot its blocks
  bool regions_provided = false;  // and its regions, with their classes
};

struct BlockCopy;

// Whether snapshots of this trigger get a scan (LEAKDBG_REACHABILITY), or `forced`.
bool wants_reachability(fmt::Trigger trigger, bool forced);

// Starts the scan. Called before the snapshot copies its blocks, holding no tracker lock.
void begin_reachability(ReachabilityRun& run);

// Waits for the scan and appends the reachability, block classes and referrers payloads
// (the latter two empty when the scan did not complete). A complete scan also fills
// `blocks` with the blocks of its moment (run.blocks_provided), so that a block freed and
// another allocated at its address meanwhile cannot take its class, and likewise `regions`
// (RegionRecords) and `region_classes` (run.regions_provided). False only when out of
// memory.
bool finish_reachability(ReachabilityRun& run, BlockCopy& blocks, ByteBuffer& summary,
                         ByteBuffer& classes, ByteBuffer& referrers, ByteBuffer& regions,
                         ByteBuffer& region_classes);

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
