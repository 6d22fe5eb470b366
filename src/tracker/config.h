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
  // Bit (1 << fmt::Trigger) set: snapshots of that trigger get a reachability scan.
  unsigned reachability_triggers = kReachabilityDefault;

  static constexpr unsigned kReachExit = (1u << 3) | (1u << 5);       // exit, signal
  static constexpr unsigned kReachRequested = (1u << 2) | (1u << 4);  // request, api
  static constexpr unsigned kReachInterval = 1u << 1;
  static constexpr unsigned kReachabilityDefault = kReachExit | kReachRequested;
};

// Parses a LEAKDBG_REACHABILITY value into trigger bits; false if it is not valid.
bool parse_reachability(const char* value, unsigned* triggers);

// Reads the environment. Invalid values are replaced by defaults with one warning line each.
void read_config(Config& config);

// Writes "leakdbg: <message>\n" to stderr in one write(2) (printf-style, no allocation for the
// plain %s/%d/%lu conversions used by the tracker).
void warn(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace leakdbg::tracker
