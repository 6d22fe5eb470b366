#include "tracker/termination_signals.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "tracker/background.h"
#include "tracker/thread_state.h"
#include "tracker/tracker_state.h"

namespace leakdbg::tracker {

std::atomic<int> g_deferred_signal{0};

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kSnapshotTimeoutMs = 20'000;

// Async-signal-safe from here on: no locks, no allocation, only system calls.
void finish(int sig) {
  const int saved_errno = errno;
  const char* label = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
  // After an internal failure tracking is off and the thread takes no more snapshots: do
  // not make the program wait for one.
  if (tracking()) request_final_snapshot(label, kSnapshotTimeoutMs);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  sigaction(sig, &default_action, nullptr);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  pthread_sigmask(SIG_UNBLOCK, &only, nullptr);
  raise(sig);
  errno = saved_errno;  // reached only if the signal no longer ends the process
}

void on_termination_signal(int sig) {
  if (RecursionGuard::active()) {
    g_deferred_signal.store(sig, std::memory_order_release);
    return;
  }
  finish(sig);
}

}  // namespace

void finish_deferred_signal() {
  const int sig = g_deferred_signal.exchange(0, std::memory_order_acq_rel);
  if (sig != 0) finish(sig);
}

void install_termination_handlers() {
  for (int sig : kSignals) {
    struct sigaction current {};
    if (sigaction(sig, nullptr, &current) != 0) continue;
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) continue;
    struct sigaction action {};
    action.sa_handler = on_termination_signal;
    // One-shot and not blocked while it runs: a second Ctrl-C ends the process at once.
    action.sa_flags = SA_RESETHAND | SA_NODEFER | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, nullptr);
  }
}

}  // namespace leakdbg::tracker
