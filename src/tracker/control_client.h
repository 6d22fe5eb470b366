// The client side of the tracker's control socket (control_protocol.h), the one `leakdbg snap`
// and `leakdbg top` both use. Before connecting it checks what a local attacker could fake:
// the process must belong to this user (root included: the tracker answers only its own
// user, so root asks another user's process as that user, e.g. with `sudo -u`), and the socket
// directory must be this user's own and writable by no one else, or another user could put
// a socket of theirs in the tracker's place.
#pragma once

#include <string>

namespace leakdbg::control {

// Where the tracker of `pid` listens: its socket directory is taken from the target's own
// environment when readable (LEAKDBG_SOCKET_DIR, else $XDG_RUNTIME_DIR/leakdbg), else from
// ours, else /tmp/leakdbg-<uid>.
std::string control_socket_path(int pid);

// Sends "snapshot LABEL" and returns the path of the snapshot written. Throws leakdbg::Error
// with one line: no such process, another user's process, not tracked, unsafe socket
// directory, refused, timed out, or the tracker's own error message.
// `reachability` asks the tracker to classify every block in this snapshot.
std::string request_snapshot(int pid, const std::string& label, double timeout_seconds,
                             bool reachability = false);

}  // namespace leakdbg::control
