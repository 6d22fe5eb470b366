// The C entry point behind include/leakdbg/leakdbg.h: leakdbg_snapshot("label").
#include "tracker/reachability.h"
#include "tracker/snapshot.h"
#include "tracker/thread_state.h"
#include "tracker/tracker_state.h"

using namespace leakdbg::tracker;

// Returns 0 when a snapshot was written, -1 when not tracking or on failure.
extern "C" __attribute__((visibility("default"))) int leakdbg_tracker_snapshot(const char* label) {
  if (!tracking() || RecursionGuard::active()) return -1;
  RecursionGuard guard;
  LEAKDBG_NOTE_SNAPSHOT_CALLER();
  return take_snapshot(guard, leakdbg::fmt::Trigger::kApi, label, nullptr, 0) ? 0 : -1;
}
