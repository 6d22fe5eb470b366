// Client side of the tracker's control socket (tracker/control_protocol.h): lets
// `leakdbg top` ask a tracked process for a fresh snapshot.
#pragma once

#include <string>

namespace leakdbg::procmem {

// Where the tracker of `pid` listens: its socket directory is taken from the target's own
// environment when readable (LEAKDBG_SOCKET_DIR, else $XDG_RUNTIME_DIR/leakdbg), else from
// ours, else /tmp/leakdbg-<uid>.
std::string control_socket_path(int pid);

// Sends "snapshot LABEL" and returns the path of the snapshot written. Throws leakdbg::Error
// with one line (no socket, refused, timed out, or the tracker's own error message).
std::string request_snapshot(int pid, const std::string& label, double timeout_seconds);

}  // namespace leakdbg::procmem
