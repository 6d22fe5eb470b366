// The tracker's settings, read once from the environment at start (see control_protocol.h).
// Fixed-size storage: parsed before the real allocator is usable.
#pragma once

#include <climits>

#include "unwind/unwind.h"

namespace leakdbg::tracker {

struct Config {
  char output_dir[PATH_MAX] = {};  // empty: passive
  double interval_seconds = 0;     // 0: no interval snapshots
  int max_frames = 64;
  bool follow_exec = false;
  bool fork_continue = true;  // LEAKDBG_FORK=stop turns this off
  int sample_ms = 100;
  char socket_dir[PATH_MAX] = {};
  unwind::Mode unwinder = unwind::Mode::kFast;
  bool heap_shadow = true;  // LEAKDBG_LIVE_SET=table turns it off
};

// Reads the environment. Invalid values are replaced by defaults with one warning line each.
void read_config(Config& config);

// Writes "leakdbg: <message>\n" to stderr in one write(2) (printf-style, no allocation for the
// plain %s/%d/%lu conversions used by the tracker).
void warn(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace leakdbg::tracker
