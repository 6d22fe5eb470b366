// SIGINT, SIGTERM and SIGHUP end a process without exit() when their action is the
// default, so neither the library destructor nor the _exit hook would take the exit snapshot
// of a server stopped with Ctrl-C or `kill`. When tracking starts, each of them whose action
// is still the default gets a one-shot handler: it has the background thread take the final
// snapshot (waiting at most 20 s), then restores the default action and raises the signal
// again, so the process ends exactly as it would have (same signal, same status). A second
// signal meanwhile ends it at once. A program that installs its own handler replaces ours.
#pragma once

#include <atomic>

namespace leakdbg::tracker {

void install_termination_handlers();

// A signal that arrived while its thread was inside the tracker (which may hold a lock the
// snapshot needs) waits here until the thread leaves it.
extern std::atomic<int> g_deferred_signal;
void finish_deferred_signal();

}  // namespace leakdbg::tracker
