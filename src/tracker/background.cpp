#include "tracker/background.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>

#include "tracker/control_socket.h"
#include "tracker/final_snapshot.h"
#include "tracker/module_registry.h"
#include "tracker/proc_files.h"
#include "tracker/reachability.h"
#include "tracker/snapshot.h"
#include "tracker/thread_counters.h"
#include "tracker/thread_state.h"
#include "tracker/time_series.h"
#include "tracker/tracker_state.h"

namespace leakdbg::tracker {
namespace {

pthread_t g_thread;
bool g_running = false;
int g_wake_fd = -1;
std::atomic<bool> g_stop{false};
char g_socket_path[4200];
// A termination signal's request for the final snapshot: the label, the flag, and the
// descriptor the thread signals when it is done.
char g_final_label[32];
std::atomic<bool> g_final_requested{false};
int g_final_done_fd = -1;
std::atomic<uint64_t> g_skipped_snapshots{0};

void take_requested_final_snapshot() {
  if (claim_final_snapshot()) write_final_snapshot(g_final_label);
  uint64_t one = 1;
  ssize_t ignored = write(g_final_done_fd, &one, sizeof one);
  (void)ignored;
}

void sample(uint64_t now) {
  fmt::SampleRecord s{};
  s.monotonic_ns = now - g_series.start_monotonic_ns;
  const LiveTotals live = live_totals();
  s.heap_bytes = live.bytes;
  s.heap_blocks = live.blocks;
  s.mmap_bytes = g_regions.anonymous_bytes();
  s.rss_bytes = read_rss_bytes();
  s.private_bytes = read_private_bytes();
  add_sample(s);
}

void* run(void*) {
  ++t_guard_depth;             // nothing this thread allocates is the program's, up to its very end
  const RecursionGuard guard;  // for the calls below that run inside the tracker
  pthread_setname_np(pthread_self(), "leakdbg");
  set_tracker_thread_id(static_cast<uint32_t>(syscall(SYS_gettid)));
  int listen_fd = open_control_socket(g_config.socket_dir, g_socket_path, sizeof g_socket_path);
  const uint64_t sample_ns = uint64_t(g_config.sample_ms) * 1'000'000;
  const uint64_t interval_ns = static_cast<uint64_t>(g_config.interval_seconds * 1e9);
  uint64_t now = monotonic_ns();
  // The n-th interval snapshot is due at start + n x interval: scheduled from the series'
  // start, not from the end of the snapshot before, so that the times do not drift. Samples
  // keep the same grid, so that one is taken (first) whenever a snapshot is due at one of
  // its moments, and each interval snapshot holds the samples since the one before.
  const uint64_t series_start = g_series.start_monotonic_ns ? g_series.start_monotonic_ns : now;
  uint64_t next_sample = series_start;
  while (sample_ns && next_sample + sample_ns <= now) next_sample += sample_ns;
  uint64_t next_interval = interval_ns ? series_start + interval_ns : UINT64_MAX;
  while (interval_ns && next_interval <= now) next_interval += interval_ns;
  uint64_t generation = loader_generation();

  while (!g_stop.load(std::memory_order_acquire)) {
    if (g_final_requested.load(std::memory_order_acquire)) {
      take_requested_final_snapshot();
      break;
    }
    now = monotonic_ns();
    g_tick.store(static_cast<uint32_t>((now - g_series.start_monotonic_ns) / kTickNs),
                 std::memory_order_relaxed);
    if (!tracking()) break;
    if (now >= next_sample) {
      sample(now);
      next_sample += sample_ns;
      while (next_sample <= now) next_sample += sample_ns;  // fell behind: skip, do not burst
      uint64_t current = loader_generation();
      if (current != generation) {
        generation = current;
        refresh_modules();
      }
    }
    if (now >= next_interval) {
      take_snapshot(guard, fmt::Trigger::kInterval, "", nullptr, 0);
      next_interval += interval_ns;
      // Overran: the moments already past are skipped (and counted), not taken in a burst.
      for (const uint64_t after = monotonic_ns(); next_interval <= after;
           next_interval += interval_ns)
        g_skipped_snapshots.fetch_add(1, std::memory_order_relaxed);
    }
    uint64_t wake = next_sample < next_interval ? next_sample : next_interval;
    uint64_t tick_wake = now + kTickNs;  // keep the tick moving even with slow sampling
    if (tick_wake < wake) wake = tick_wake;
    now = monotonic_ns();
    int timeout_ms = wake > now ? static_cast<int>((wake - now + 999'999) / 1'000'000) : 0;
    pollfd fds[2] = {{g_wake_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
    int ready = poll(fds, listen_fd >= 0 ? 2 : 1, timeout_ms);
    if (ready > 0 && listen_fd >= 0 && (fds[1].revents & POLLIN))
      serve_control_client(guard, listen_fd);
  }
  if (listen_fd >= 0) {
    close(listen_fd);
    unlink(g_socket_path);
  }
  return nullptr;
}

}  // namespace

void start_background_thread() {
  if (g_running) return;
  g_stop.store(false, std::memory_order_relaxed);
  g_wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (g_final_done_fd < 0) g_final_done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (g_wake_fd < 0 || g_final_done_fd < 0) {
    stop_tracking("cannot create the tracker's wake-up descriptor");
    return;
  }
  // The program's signal handlers belong to its threads: block everything in ours.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 256 * 1024);
  int error = pthread_create(&g_thread, &attributes, run, nullptr);
  pthread_attr_destroy(&attributes);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (error != 0) {
    stop_tracking("cannot start the tracker's thread");
    return;
  }
  g_running = true;
}

void stop_background_thread() {
  if (!g_running) return;
  g_stop.store(true, std::memory_order_release);
  uint64_t one = 1;
  ssize_t ignored = write(g_wake_fd, &one, sizeof one);
  (void)ignored;
  pthread_join(g_thread, nullptr);
  close(g_wake_fd);
  g_wake_fd = -1;
  g_running = false;
}

bool request_final_snapshot(const char* label, int timeout_ms) {
  if (!g_running || g_final_done_fd < 0) return false;
  size_t i = 0;
  for (; label[i] && i + 1 < sizeof g_final_label; ++i) g_final_label[i] = label[i];
  g_final_label[i] = '\0';
  g_final_requested.store(true, std::memory_order_release);
  uint64_t one = 1;
  ssize_t ignored = write(g_wake_fd, &one, sizeof one);
  (void)ignored;
  // The waiting thread is stopped by the reachability scan's signal while it waits, which
  // interrupts poll(): wait on for the rest of the time instead of giving up the snapshot.
  timespec start{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long elapsed_ms =
        (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1'000'000;
    if (elapsed_ms >= timeout_ms) return false;
    pollfd done = {g_final_done_fd, POLLIN, 0};
    const int ready = poll(&done, 1, static_cast<int>(timeout_ms - elapsed_ms));
    if (ready == 1) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

void sample_memory_now() { sample(monotonic_ns()); }

uint64_t skipped_interval_snapshots() {
  return g_skipped_snapshots.load(std::memory_order_relaxed);
}

void forget_background_thread_in_child() {
  g_skipped_snapshots.store(0, std::memory_order_relaxed);
  g_running = false;
  if (g_wake_fd >= 0) close(g_wake_fd);
  g_wake_fd = -1;
  // The parent's descriptor: a request answered here must not wake the parent's waiter.
  if (g_final_done_fd >= 0) close(g_final_done_fd);
  g_final_done_fd = -1;
  g_final_requested.store(false, std::memory_order_relaxed);
}

}  // namespace leakdbg::tracker
