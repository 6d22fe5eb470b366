// The tracker's one thread: advances the allocation tick, samples memory figures, takes
// interval snapshots, notices loaded modules and serves the control socket.
#pragma once

#include <cstdint>

namespace leakdbg::tracker {

void start_background_thread();
// Wakes the thread, waits for it to finish and removes the control socket.
void stop_background_thread();
// From a termination signal's handler (async-signal-safe): asks the thread to take the final
// snapshot and waits for it at most timeout_ms. False if it did not finish (or no thread).
bool request_final_snapshot(const char* label, int timeout_ms);
// Records one sample of the memory figures now (time_series.h). An interval snapshot takes
// one first, so that it always holds the figures of its own moment, whatever another snapshot
// taken just before (a request, the program's API) left it.
void sample_memory_now();
// Interval snapshots skipped so far because the one before was still being written when
// they were due (the schedule stays start + n x interval; missed moments are not made up).
uint64_t skipped_interval_snapshots();
// Forked child: the parent's thread does not exist here; forget it.
void forget_background_thread_in_child();

}  // namespace leakdbg::tracker
