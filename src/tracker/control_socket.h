// The control socket `leakdbg snap PID` talks to (protocol in control_protocol.h): a unix
// socket in a private directory, answering only peers of the same user.
#pragma once

#include <cstddef>

#include "tracker/thread_state.h"

namespace leakdbg::tracker {

// Creates the directory if needed (mode 0700; refuses one owned by someone else or open to
// others) and listens on <dir>/<pid>.sock. Returns the listening fd or -1 (with a warning).
int open_control_socket(const char* directory, char* path_out, size_t path_size);

// Accepts one client, checks its credentials, serves its one request.
void serve_control_client(const RecursionGuard& guard, int listen_fd);

}  // namespace leakdbg::tracker
