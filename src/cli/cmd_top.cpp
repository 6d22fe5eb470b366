// `leakdbg top PID [--interval S] [--csv FILE] [--count N]` (Process Explorer): Private
// Bytes, RSS and virtual size of a live process, their rate per minute and a trend line;
// for a process running under the tracker also heap bytes, live blocks and mmap bytes,
// from snapshots it is asked for now and then. Ends when the process exits.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/option_values.h"
#include "cli/top_monitor.h"
#include "input/load.h"
#include "procmem/live_process.h"
#include "procmem/status.h"
#include "procmem/trend.h"
#include "tracker/control_client.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg::cli {
namespace {

using namespace top;

std::atomic<bool> interrupted{false};
void on_interrupt(int) { interrupted = true; }

// Current figures, or nullopt once the process has exited (or its pid was reused).
std::optional<procmem::ProcStatus> sample_status(int pid, uint64_t start_ticks) {
  try {
    procmem::ProcStatus s = procmem::read_proc_status(pid);
    if (procmem::process_start_ticks(pid) != start_ticks) return std::nullopt;
    return s;
  } catch (const Error&) {
    return std::nullopt;
  }
}

TrackedFigures fetch_figures(int pid) {
  HeapModel model = load_model(control::request_snapshot(pid, "top", 30.0));
  return {0, model.heap_bytes(), model.blocks.size(), model.region_bytes()};
}

struct Options {
  std::string pid, interval = "1", heap_interval = "10", csv, count = "0";
};

int run_top(const Options& options) {
  int pid = parse_pid_value(options.pid);
  double interval =
      parse_seconds_value(options.interval, "--interval", kMinIntervalSeconds, kMaxIntervalSeconds);
  double heap_interval =
      parse_seconds_value(options.heap_interval, "--heap-interval", 1, 86400, true);
  uint64_t count = parse_count_value(options.count, "--count", 0, kMaxRows);
  procmem::read_proc_status(pid);  // one clear line now if the process is gone or unreadable
  auto start_ticks = procmem::process_start_ticks(pid);
  if (!start_ticks) throw Error("process " + std::to_string(pid) + ": no such process");
  View view{pid, procmem::process_name(pid), interval, procmem::is_tracked(pid)};
  CsvOut csv(options.csv);
  bool terminal = isatty(STDOUT_FILENO);

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Clock::time_point start = Clock::now();
  std::optional<TrackerPoller> poller;
  if (view.tracked && heap_interval > 0)
    poller.emplace([pid] { return fetch_figures(pid); }, heap_interval, start);
  std::deque<Sample> history;
  bool exited = false;
  if (terminal) std::fputs("\033[?25l", stdout);  // hide the cursor while redrawing
  for (uint64_t n = 0; (count == 0 || n < count) && !interrupted; ++n) {
    double now = std::chrono::duration<double>(Clock::now() - start).count();
    auto status = sample_status(pid, *start_ticks);
    if (!status) {
      exited = true;
      break;
    }
    history.push_back({now, procmem::private_bytes(*status), status->vm_rss, status->vm_size});
    while (history.size() > 1 && now - history.front().seconds > kRateWindowSeconds)
      history.pop_front();
    std::vector<TrackedFigures> tracked =
        poller ? poller->figures() : std::vector<TrackedFigures>{};
    std::string note;
    if (poller && !poller->failure().empty()) note = "heap figures stopped: " + poller->failure();
    if (view.tracked && heap_interval == 0) note = "heap figures off (--heap-interval 0)";
    if (!view.tracked)
      note = "not tracked: no heap figures (start it with `leakdbg run` for those)";
    csv.row(history.back(), rate_per_minute(history, &Sample::private_bytes),
            tracked.empty() ? nullptr : &tracked.back());
    std::string text =
        terminal ? render_screen(view, history, tracked, note) : render_line(history, tracked);
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    if (count != 0 && n + 1 >= count) break;
    auto next = start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(interval * static_cast<double>(n + 1)));
    // Sleep in short steps so that Ctrl-C and the process's exit are noticed quickly.
    while (!interrupted && Clock::now() < next)
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(100)));
  }
  if (terminal) std::fputs("\033[?25h", stdout);
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (exited)
    std::printf("process %d exited after %s of watching\n", pid, format_duration(elapsed).c_str());
  std::fflush(stdout);
  return 0;
}

Action setup_top(CommandOptions& sub) {
  auto opts = std::make_shared<Options>();
  sub.add_option("pid", opts->pid, "Process id")->required();
  sub.add_option("--interval", opts->interval, "Seconds between samples, 0.05 to 3600 (default 1)");
  sub.add_option("--csv", opts->csv, "Also write every sample to this CSV file");
  sub.add_option("--count", opts->count,
                 "Stop after this many samples (default 0: when the process exits)");
  sub.add_option(
      "--heap-interval", opts->heap_interval,
      "Seconds between snapshots asked of a tracked process for heap figures (default 10, 0: off); "
      "each one is a snapshot file in the run's output directory");
  return [opts]() { return run_top(*opts); };
}

const Registration top_registration("top", setup_top);

}  // namespace
}  // namespace leakdbg::cli
