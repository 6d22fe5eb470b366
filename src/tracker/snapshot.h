// Taking one snapshot: the live blocks streamed into the file as they are copied (the heap
// shadow one 256 KiB range lock at a time, the live table one shard lock at a time; see
// block_stream.h), then the regions, the stack depot's counters and the rest gathered and
// written through the format writer without holding any tracker lock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/records.h"
#include "tracker/thread_state.h"

namespace leakdbg::tracker {

// Where this process's series goes and what it has written so far.
struct Series {
  char subdirectory[64] = {};  // "" (the output directory), "fork-<pid>" or "exec-<pid>-<n>"
  char directory[4200] = {};   // the whole path, for messages and replies
  bool cleaned = false;        // stale temporaries and sockets removed from it
  uint64_t sequence = 0;
  uint64_t start_realtime_ns = 0;
  uint64_t start_monotonic_ns = 0;
};
extern Series g_series;

// Starts a series in the output directory (`subdirectory` ""), or in a subdirectory of it
// created 0700 on the first snapshot.
void start_series(const char* subdirectory);

// Writes the next snapshot. On success returns true and, if `path_out` is given, the final
// path. On failure tracking is switched off with one stderr line (the program runs on).
// Serialised: one snapshot at a time.
// `reachability` forces a reachability scan (otherwise LEAKDBG_REACHABILITY decides).
bool take_snapshot(const RecursionGuard& guard, fmt::Trigger trigger, const char* label,
                   char* path_out, size_t path_size, bool reachability = false);

// Fork handlers: no snapshot may be half-taken across fork().
void lock_snapshots();
void unlock_snapshots();
void reset_snapshot_lock_in_child();

// Read once at start: the command line as /proc/self/cmdline gives it.
void remember_command_line();

uint64_t monotonic_ns();
uint64_t realtime_ns();

}  // namespace leakdbg::tracker
