// Start, fork and exit of the tracker.
//
// Start: the first hooked call or the library constructor, whichever comes first, resolves
// the real functions and reads the configuration; only the constructor starts the
// background thread (never the first malloc, which may run under the loader's lock).
// Exit: a destructor of the preloaded library, which runs after the program's static
// destructors and atexit handlers, writes the last snapshot.
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "tracker/background.h"
#include "tracker/final_snapshot.h"
#include "tracker/hooked_symbols.h"
#include "tracker/module_registry.h"
#include "tracker/own_code.h"
#include "tracker/private_dir.h"
#include "tracker/raw_memory.h"
#include "tracker/snapshot.h"
#include "tracker/termination_signals.h"
#include "tracker/thread_counters.h"
#include "tracker/thread_state.h"
#include "tracker/time_series.h"
#include "tracker/tracker_state.h"
#include "unwind/unwind.h"

extern char** environ;

namespace leakdbg::tracker {
namespace {

SpinLock g_init_lock;

// Set while this image's series is being started, so that an exec'd program (with
// LEAKDBG_FOLLOW_EXEC=1) writes into its own folder instead of over its parent's files.
constexpr const char kEnvExecDepth[] = "LEAKDBG_EXEC_DEPTH";

// Removes every LD_PRELOAD entry naming libleakdbg, in place: the string only shrinks, so
// no allocation, and programs exec'd later start untracked.
void strip_tracker_from_preload() {
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0) continue;
    char* list = *e + 11;
    char* out = list;
    char* p = list;
    while (*p) {
      while (*p == ':' || *p == ' ') ++p;
      char* start = p;
      while (*p && *p != ':' && *p != ' ') ++p;
      size_t length = static_cast<size_t>(p - start);
      if (length == 0) continue;
      bool ours = false;
      for (char* q = start; q + 10 <= p; ++q)
        if (std::strncmp(q, "libleakdbg", 10) == 0) ours = true;
      if (ours) continue;
      if (out != list) *out++ = ':';
      std::memmove(out, start, length);
      out += length;
    }
    *out = '\0';
  }
}

void detect_allocator() {
  Dl_info info;
  g_allocator_is_glibc = false;
  if (dladdr(reinterpret_cast<void*>(g_real.malloc), &info) && info.dli_fname)
    g_allocator_is_glibc = std::strstr(info.dli_fname, "libc.so") != nullptr;
}

// The folder of this image's series below the output directory: "" (the directory itself),
// or exec-<pid>-<n> for a program exec'd by a tracked one.
void choose_series_subdirectory(char* out, size_t size) {
  const char* depth = getenv(kEnvExecDepth);
  if (g_config.follow_exec && depth && *depth) {
    std::snprintf(out, size, "exec-%d-%ld", static_cast<int>(getpid()),
                  std::strtol(depth, nullptr, 10));
    char next[32];
    std::snprintf(next, sizeof next, "%ld", std::strtol(depth, nullptr, 10) + 1);
    setenv(kEnvExecDepth, next, 1);
  } else {
    std::snprintf(out, size, "%s", "");
    if (g_config.follow_exec) setenv(kEnvExecDepth, "1", 1);
  }
}

// Every lock the tracker's tables take, in the order fork() acquires them: held across
// fork() so that no table is mid-update in the child, released in reverse order in the
// parent, and reset (not released: the child has only the forking thread) in the child.
struct ForkLock {
  void (*lock)();
  void (*unlock)();
  void (*reset_in_child)();
};
constexpr ForkLock kForkLocks[] = {
    {lock_snapshots, unlock_snapshots, reset_snapshot_lock_in_child},
    {[] { g_shadow.lock_all(); }, [] { g_shadow.unlock_all(); },
     [] { g_shadow.reset_locks_in_child(); }},
    {[] { g_live.lock_all(); }, [] { g_live.unlock_all(); }, [] { g_live.reset_locks_in_child(); }},
    {[] { g_regions.lock(); }, [] { g_regions.unlock(); }, [] { g_regions.reset_lock_in_child(); }},
    {[] { g_depot.lock(); }, [] { g_depot.unlock(); }, [] { g_depot.reset_lock_in_child(); }},
};

void prepare_fork() {
  ++t_guard_depth;  // an allocation by a later prepare handler must not wait on our locks
  if (!tracking()) return;
  for (const ForkLock& l : kForkLocks) l.lock();
}

void after_fork_in_parent() {
  if (tracking()) {
    for (size_t i = std::size(kForkLocks); i-- > 0;) kForkLocks[i].unlock();
  }
  --t_guard_depth;
}

void after_fork_in_child() {
  t_thread_id = 0;
  reset_own_ranges_lock_in_child();
  remember_tracked_process();
  if (tracking()) {
    for (const ForkLock& l : kForkLocks) l.reset_in_child();
    g_shadow.after_fork_in_child();
    reset_samples_in_child();
    forget_background_thread_in_child();
    if (g_config.fork_continue) {
      char subdirectory[64];
      std::snprintf(subdirectory, sizeof subdirectory, "fork-%d", static_cast<int>(getpid()));
      start_series(subdirectory);
      remember_command_line();
      start_background_thread();
    } else {
      g_mode.store(TrackerMode::kPassive, std::memory_order_relaxed);
    }
  }
  --t_guard_depth;
}

void start_tracking() {
  // `leakdbg run` created the directory; made here (0700) when the variable was set by hand.
  int output = open_private_directory(AT_FDCWD, g_config.output_dir, true);
  if (output < 0) {
    warn("output directory %s: %s; not tracking", g_config.output_dir,
         errno == EPERM ? "owned by another user or writable by others" : std::strerror(errno));
    return;
  }
  bool writable = faccessat(output, ".", W_OK | X_OK, 0) == 0;
  int error = errno;
  close(output);
  if (!writable) {
    warn("output directory %s is not writable: %s; not tracking", g_config.output_dir,
         std::strerror(error));
    return;
  }
  if (!g_config.follow_exec) strip_tracker_from_preload();
  char subdirectory[64];
  choose_series_subdirectory(subdirectory, sizeof subdirectory);
  start_series(subdirectory);
  remember_command_line();
  detect_allocator();
  if (g_allocator_is_glibc && g_config.heap_shadow)
    g_shadow.enable(wait_for_release_marks, shadow_within_budget);
  find_own_code();
  unwind::set_mode(g_config.unwinder);
  refresh_modules();
  start_site_counters();
  remember_tracked_process();
  install_termination_handlers();
  pthread_atfork(prepare_fork, after_fork_in_parent, after_fork_in_child);
  g_mode.store(TrackerMode::kTracking, std::memory_order_release);
}

}  // namespace

void ensure_initialized() {
  resolve_real_functions();
  if (g_mode.load(std::memory_order_acquire) != TrackerMode::kUninitialized) return;
  if (RecursionGuard::active()) return;  // re-entered from the initialisation itself
  RecursionGuard guard;
  SpinLockGuard lock(g_init_lock);
  if (g_mode.load(std::memory_order_acquire) != TrackerMode::kUninitialized) return;
  read_config(g_config);
  if (g_config.output_dir[0]) start_tracking();
  if (g_mode.load(std::memory_order_relaxed) == TrackerMode::kUninitialized)
    g_mode.store(TrackerMode::kPassive, std::memory_order_release);
}

void stop_tracking(const char* reason) {
  TrackerMode expected = TrackerMode::kTracking;
  if (g_mode.compare_exchange_strong(expected, TrackerMode::kStopped))
    warn("%s; tracking stopped, the program continues", reason);
}

}  // namespace leakdbg::tracker

using namespace leakdbg::tracker;

__attribute__((constructor)) static void leakdbg_tracker_start() {
  ensure_initialized();
  if (tracking()) {
    RecursionGuard guard;
    start_background_thread();
  }
}

__attribute__((destructor)) static void leakdbg_tracker_finish() { take_final_snapshot(""); }
