// The tracker's one thread: advances the allocation tick, samples memory figures, takes
// interval snapshots, notices loaded modules and serves the control socket.
#pragma once

namespace leakdbg::tracker {

void start_background_thread();
// Wakes the thread, waits for it to finish and removes the control socket.
void stop_background_thread();
// Forked child: the parent's thread does not exist here; forget it.
void forget_background_thread_in_child();

}  // namespace leakdbg::tracker
