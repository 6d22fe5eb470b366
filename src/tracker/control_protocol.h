// The contract between `leakdbg run`/`leakdbg snap` and the preloaded tracker:
// environment variables read at tracker start, and the control socket's one-line protocol.
// Header-only and dependency-free: both sides include it.
#pragma once

namespace leakdbg::control {

// Directory for snapshots (created by `leakdbg run`). Unset: the tracker stays passive
// (intercepts nothing expensive and writes nothing) so that a stray LD_PRELOAD is harmless.
inline constexpr const char kEnvOutputDir[] = "LEAKDBG_OUTPUT_DIR";
// Seconds between interval snapshots, fractions allowed; unset or 0: none.
inline constexpr const char kEnvInterval[] = "LEAKDBG_INTERVAL";
// Maximum stack depth (1..256, default 64).
inline constexpr const char kEnvMaxFrames[] = "LEAKDBG_MAX_FRAMES";
// "1": programs started by exec keep being tracked (each in its own series). Otherwise the
// tracker removes itself from LD_PRELOAD at start, so that exec'd programs run untracked.
inline constexpr const char kEnvFollowExec[] = "LEAKDBG_FOLLOW_EXEC";
// What a forked child does: "continue" (default) writes its own series under
// OUTPUT_DIR/fork-<pid>/; "stop" stops tracking in the child.
inline constexpr const char kEnvFork[] = "LEAKDBG_FORK";
// "none" | "libunwind" | "fast" (default): the unwinder, for benchmarks and bug hunts.
inline constexpr const char kEnvUnwinder[] = "LEAKDBG_UNWINDER";
// Where live heap blocks are kept: "shadow" (default; glibc's malloc only, others always use
// the table) or "table" (the hash table for every block: for comparisons).
inline constexpr const char kEnvLiveSet[] = "LEAKDBG_LIVE_SET";
// Sampling period of the time series in milliseconds (default 100).
inline constexpr const char kEnvSampleMs[] = "LEAKDBG_SAMPLE_MS";
// Directory for control sockets; default $XDG_RUNTIME_DIR/leakdbg if set, else
// /tmp/leakdbg-<uid>. Created mode 0700; its owner must be the user.
inline constexpr const char kEnvSocketDir[] = "LEAKDBG_SOCKET_DIR";

// Which snapshots get a reachability scan: "exit", "requested" (`leakdbg snap`, and
// leakdbg_snapshot() calls), "all" (interval ones too), "none", or a comma-separated list of
// "exit", "requested", "interval". Unset: "exit,requested".
inline constexpr const char kEnvReachability[] = "LEAKDBG_REACHABILITY";

// Socket file name inside the directory: "<pid>.sock". A client connects (AF_UNIX,
// SOCK_STREAM), sends one line "snapshot [LABEL]\n" and reads one line back:
// "ok <path-of-the-snapshot>\n" or "error <message>\n". The tracker checks the peer's
// uid (SO_PEERCRED) equals its own and answers "error permission denied" otherwise: root
// asks another user's process as that user (control_client.h says why).
inline constexpr const char kSocketSuffix[] = ".sock";
inline constexpr const char kRequestSnapshot[] = "snapshot";
// "snapshot --reachability [LABEL]": the same, with a reachability scan whatever
// LEAKDBG_REACHABILITY says.
inline constexpr const char kRequestReachabilityOption[] = "--reachability";

// Snapshot file names: "%04llu-%s.ldsnap" (sequence, trigger name), e.g.
// "0003-interval.ldsnap", "0012-exit.ldsnap". Written as an unnamed O_TMPFILE file, or
// where that is missing as ".<name>.<pid>.tmp", then renamed; files 0600, directories 0700.
inline constexpr const char kSnapshotExtension[] = ".ldsnap";

}  // namespace leakdbg::control
