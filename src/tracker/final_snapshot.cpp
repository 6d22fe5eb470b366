#include "tracker/final_snapshot.h"

#include <unistd.h>

#include <atomic>

#include "tracker/background.h"
#include "tracker/reachability.h"
#include "tracker/snapshot.h"
#include "tracker/thread_state.h"
#include "tracker/tracker_state.h"

namespace leakdbg::tracker {
namespace {

std::atomic<pid_t> g_tracked_pid{0};
std::atomic<bool> g_final_taken{false};

}  // namespace

void remember_tracked_process() {
  g_tracked_pid.store(getpid(), std::memory_order_relaxed);
  g_final_taken.store(false, std::memory_order_relaxed);
}

bool in_tracked_process() { return getpid() == g_tracked_pid.load(std::memory_order_relaxed); }

bool claim_final_snapshot() {
  if (!tracking() || !in_tracked_process()) return false;
  return !g_final_taken.exchange(true, std::memory_order_acq_rel);
}

void write_final_snapshot(const char* label) {
  RecursionGuard guard;
  take_snapshot(guard, fmt::Trigger::kExit, label, nullptr, 0);
  // Whatever runs after this (the C library's own teardown) is not the program's doing.
  g_mode.store(TrackerMode::kPassive, std::memory_order_release);
}

void take_final_snapshot(const char* label) {
  if (!claim_final_snapshot()) return;
  LEAKDBG_NOTE_SNAPSHOT_CALLER();
  {
    RecursionGuard guard;
    stop_background_thread();
  }
  write_final_snapshot(label);
}

}  // namespace leakdbg::tracker
