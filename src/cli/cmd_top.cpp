// `leakdbg top PID [--interval S] [--csv FILE] [--count N]` (Process Explorer): Private
// Bytes, RSS and virtual size of a live process, their rate per minute and a trend line;
// for a process running under the tracker also heap bytes, live blocks and mmap bytes,
// from snapshots it is asked for now and then. Ends when the process exits.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "input/load.h"
#include "procmem/live_process.h"
#include "procmem/status.h"
#include "procmem/tracker_client.h"
#include "procmem/trend.h"
#include "util/error.h"
#include "util/units.h"

namespace leakdbg::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kRateWindowSeconds = 60;  // rates are fitted over the last minute
constexpr size_t kTrendWidth = 40;

std::atomic<bool> interrupted{false};
void on_interrupt(int) { interrupted = true; }

struct Sample {
  double seconds = 0;
  uint64_t private_bytes = 0, rss = 0, virtual_size = 0;
};

struct TrackedFigures {
  double seconds = 0;  // when the snapshot was taken, on top's clock
  uint64_t heap_bytes = 0, heap_blocks = 0, mmap_bytes = 0;
};

// Asks the tracker for a snapshot every `period` seconds on its own thread, so that a slow
// snapshot never delays the /proc samples. The first failure is kept and ends the polling.
class TrackerPoller {
 public:
  TrackerPoller(int pid, double period, Clock::time_point start)
      : pid_(pid), period_(period), start_(start), thread_([this] { run(); }) {}
  ~TrackerPoller() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  TrackerPoller(const TrackerPoller&) = delete;
  TrackerPoller& operator=(const TrackerPoller&) = delete;

  std::vector<TrackedFigures> figures() {
    std::lock_guard lock(mutex_);
    return figures_;
  }
  std::string failure() {
    std::lock_guard lock(mutex_);
    return failure_;
  }

 private:
  void run() {
    for (;;) {
      try {
        double asked = std::chrono::duration<double>(Clock::now() - start_).count();
        std::string path = procmem::request_snapshot(pid_, "top", 30.0);
        HeapModel model = load_model(path);
        TrackedFigures f{asked, model.heap_bytes(), model.blocks.size(), model.region_bytes()};
        std::lock_guard lock(mutex_);
        figures_.push_back(f);
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        failure_ = e.what();
        return;
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::duration<double>(period_), [this] { return stop_; }))
        return;
    }
  }

  int pid_;
  double period_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<TrackedFigures> figures_;
  std::string failure_;
  std::thread thread_;  // last: starts once everything above is ready
};

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

std::optional<double> rate_per_minute(const std::deque<Sample>& history, uint64_t Sample::*field) {
  std::vector<procmem::TrendPoint> points;
  double newest = history.empty() ? 0 : history.back().seconds;
  for (const auto& s : history)
    if (newest - s.seconds <= kRateWindowSeconds)
      points.push_back({s.seconds, static_cast<double>(s.*field)});
  auto slope = procmem::slope_per_second(points);
  if (!slope) return std::nullopt;
  return *slope * 60.0;
}

std::string signed_bytes(double value) { return format_bytes_signed(static_cast<int64_t>(value)); }

std::string trend(const std::deque<Sample>& history, uint64_t Sample::*field) {
  std::vector<double> values;
  for (const auto& s : history) values.push_back(static_cast<double>(s.*field));
  return procmem::sparkline(values, kTrendWidth);
}

class CsvOut {
 public:
  explicit CsvOut(const std::string& path) {
    if (path.empty()) return;
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) throw Error(path + ": cannot write: " + std::strerror(errno));
    std::fputs(
        "time_s,private_bytes,rss_bytes,virtual_bytes,private_bytes_per_min,heap_bytes,heap_blocks,"
        "mmap_bytes\n",
        file_);
    std::fflush(file_);
  }
  ~CsvOut() {
    if (file_) std::fclose(file_);
  }
  CsvOut(const CsvOut&) = delete;
  CsvOut& operator=(const CsvOut&) = delete;

  void row(const Sample& s, std::optional<double> rate, const TrackedFigures* tracked) {
    if (!file_) return;
    std::fprintf(
        file_, "%.3f,%llu,%llu,%llu,", s.seconds, static_cast<unsigned long long>(s.private_bytes),
        static_cast<unsigned long long>(s.rss), static_cast<unsigned long long>(s.virtual_size));
    if (rate) std::fprintf(file_, "%.0f", *rate);
    if (tracked)
      std::fprintf(file_, ",%llu,%llu,%llu\n", static_cast<unsigned long long>(tracked->heap_bytes),
                   static_cast<unsigned long long>(tracked->heap_blocks),
                   static_cast<unsigned long long>(tracked->mmap_bytes));
    else
      std::fputs(",,,\n", file_);
    std::fflush(file_);
  }

 private:
  FILE* file_ = nullptr;
};

struct View {
  int pid;
  std::string name;
  double interval;
  bool tracked;
};

void draw_terminal(const View& v, const std::deque<Sample>& history,
                   const std::vector<TrackedFigures>& tracked, const std::string& tracker_note) {
  const Sample& s = history.back();
  std::string out = "\033[H\033[J";
  char line[512];
  std::snprintf(line, sizeof line, "leakdbg top: process %d (%s), every %s, %s elapsed%s\n\n",
                v.pid, v.name.c_str(), format_duration(v.interval).c_str(),
                format_duration(s.seconds).c_str(), v.tracked ? ", tracked" : "");
  out += line;
  std::snprintf(line, sizeof line, "%-15s %12s %14s  %s\n", "", "now", "per minute", "trend");
  out += line;
  auto figure = [&](const char* name, uint64_t Sample::*field) {
    auto rate = rate_per_minute(history, field);
    std::snprintf(line, sizeof line, "%-15s %12s %14s  %s\n", name, format_bytes(s.*field).c_str(),
                  rate ? signed_bytes(*rate).c_str() : "", trend(history, field).c_str());
    out += line;
  };
  figure("Private Bytes", &Sample::private_bytes);
  figure("RSS", &Sample::rss);
  figure("Virtual", &Sample::virtual_size);
  if (!tracked.empty()) {
    const TrackedFigures& t = tracked.back();
    std::vector<procmem::TrendPoint> heap_points;
    for (const auto& f : tracked)
      heap_points.push_back({f.seconds, static_cast<double>(f.heap_bytes)});
    auto heap_rate = procmem::slope_per_second(heap_points);
    std::snprintf(line, sizeof line, "%-15s %12s %14s  (snapshot %s ago)\n", "Heap (tracked)",
                  format_bytes(t.heap_bytes).c_str(),
                  heap_rate ? signed_bytes(*heap_rate * 60).c_str() : "",
                  format_duration(s.seconds - t.seconds).c_str());
    out += line;
    std::snprintf(line, sizeof line, "%-15s %12llu\n", "Live blocks",
                  static_cast<unsigned long long>(t.heap_blocks));
    out += line;
    std::snprintf(line, sizeof line, "%-15s %12s\n", "Mmap (tracked)",
                  format_bytes(t.mmap_bytes).c_str());
    out += line;
  }
  if (!tracker_note.empty()) out += "\n" + tracker_note + "\n";
  out += "\nCtrl-C to stop\n";
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

void print_plain(const std::deque<Sample>& history, const std::vector<TrackedFigures>& tracked) {
  const Sample& s = history.back();
  auto rate = rate_per_minute(history, &Sample::private_bytes);
  std::string text = format_duration(s.seconds) + "  private " + format_bytes(s.private_bytes);
  if (rate) text += " (" + signed_bytes(*rate) + "/min)";
  text += "  rss " + format_bytes(s.rss) + "  virtual " + format_bytes(s.virtual_size);
  if (!tracked.empty()) {
    const TrackedFigures& t = tracked.back();
    text += "  heap " + format_bytes(t.heap_bytes) + " in " + std::to_string(t.heap_blocks) +
            " blocks  mmap " + format_bytes(t.mmap_bytes);
  }
  std::printf("%s\n", text.c_str());
  std::fflush(stdout);
}

struct Options {
  std::string pid;
  double interval = 1.0;
  double heap_interval = 10.0;
  std::string csv;
  unsigned long count = 0;
};

int run_top(const Options& o) {
  if (o.pid.empty() || o.pid.find_first_not_of("0123456789") != std::string::npos ||
      o.pid.size() > 9)
    throw Error(o.pid + ": not a process id");
  if (!(o.interval >= 0.05 && o.interval <= 3600))
    throw Error("--interval: give 0.05 to 3600 seconds");
  if (!(o.heap_interval == 0 || (o.heap_interval >= 1 && o.heap_interval <= 86400)))
    throw Error("--heap-interval: give 0 (off) or 1 to 86400 seconds");
  int pid = std::stoi(o.pid);
  procmem::read_proc_status(pid);  // one clear line now if the process is gone or unreadable
  auto start_ticks = procmem::process_start_ticks(pid);
  if (!start_ticks) throw Error("process " + o.pid + ": no such process");
  View view{pid, procmem::process_name(pid), o.interval, procmem::is_tracked(pid)};
  CsvOut csv(o.csv);
  bool terminal = isatty(STDOUT_FILENO);

  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Clock::time_point start = Clock::now();
  std::optional<TrackerPoller> poller;
  if (view.tracked && o.heap_interval > 0) poller.emplace(pid, o.heap_interval, start);
  std::deque<Sample> history;
  bool exited = false;
  if (terminal) std::fputs("\033[?25l", stdout);  // hide the cursor while redrawing
  for (unsigned long n = 0; (o.count == 0 || n < o.count) && !interrupted; ++n) {
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
    if (view.tracked && o.heap_interval == 0) note = "heap figures off (--heap-interval 0)";
    if (!view.tracked)
      note = "not tracked: no heap figures (start it with `leakdbg run` for those)";
    csv.row(history.back(), rate_per_minute(history, &Sample::private_bytes),
            tracked.empty() ? nullptr : &tracked.back());
    if (terminal)
      draw_terminal(view, history, tracked, note);
    else
      print_plain(history, tracked);
    if (o.count != 0 && n + 1 >= o.count) break;
    auto next = start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(o.interval * static_cast<double>(n + 1)));
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

Action setup(CLI::App& sub) {
  auto opts = std::make_shared<Options>();
  sub.add_option("pid", opts->pid, "Process id")->required();
  sub.add_option("--interval", opts->interval, "Seconds between samples (default 1)");
  sub.add_option("--csv", opts->csv, "Also write every sample to this CSV file");
  sub.add_option("--count", opts->count,
                 "Stop after this many samples (default: when the process exits)");
  sub.add_option(
      "--heap-interval", opts->heap_interval,
      "Seconds between snapshots asked of a tracked process for heap figures (default 10, 0: off); "
      "each one is a snapshot file in the run's output directory");
  return [opts]() { return run_top(*opts); };
}

const Registration registration(
    "top", "Private bytes, RSS and virtual size of a process over time (Process Explorer)", setup,
    20);

}  // namespace
}  // namespace leakdbg::cli
