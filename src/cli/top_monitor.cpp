#include "cli/top_monitor.h"

#include <cerrno>
#include <cstring>

#include "procmem/trend.h"
#include "util/error.h"
#include "util/terminal_text.h"
#include "util/units.h"

namespace leakdbg::cli::top {

namespace {

constexpr size_t kTrendWidth = 40;

std::string signed_bytes(double value) { return format_bytes_signed(static_cast<int64_t>(value)); }

std::string trend(const std::deque<Sample>& history, uint64_t Sample::*field) {
  std::vector<double> values;
  for (const auto& s : history) values.push_back(static_cast<double>(s.*field));
  return procmem::sparkline(values, kTrendWidth);
}

}  // namespace

TrackerPoller::TrackerPoller(FetchFigures fetch, double period, Clock::time_point start)
    : fetch_(std::move(fetch)), period_(period), start_(start), thread_([this] { run(); }) {}

TrackerPoller::~TrackerPoller() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::vector<TrackedFigures> TrackerPoller::figures() {
  std::lock_guard lock(mutex_);
  return figures_;
}

std::string TrackerPoller::failure() {
  std::lock_guard lock(mutex_);
  return failure_;
}

void TrackerPoller::run() {
  for (;;) {
    try {
      double asked = std::chrono::duration<double>(Clock::now() - start_).count();
      TrackedFigures f = fetch_();
      f.seconds = asked;
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

CsvOut::CsvOut(const std::string& path) : path_(path) {
  if (path.empty()) return;
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw Error(escape_control_chars(path) + ": cannot write: " + std::strerror(errno));
  std::fputs(
      "time_s,private_bytes,rss_bytes,virtual_bytes,private_bytes_per_min,heap_bytes,heap_blocks,"
      "mmap_bytes\n",
      file_);
  flush();
}

CsvOut::~CsvOut() {
  if (file_) std::fclose(file_);
}

void CsvOut::flush() {
  if (std::fflush(file_) == 0 && !std::ferror(file_)) return;
  int error = errno;
  std::fclose(file_);
  file_ = nullptr;
  throw Error(escape_control_chars(path_) + ": cannot write: " + std::strerror(error));
}

void CsvOut::row(const Sample& s, std::optional<double> rate, const TrackedFigures* tracked) {
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
  flush();
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

std::string render_screen(const View& v, const std::deque<Sample>& history,
                          const std::vector<TrackedFigures>& tracked, const std::string& note) {
  const Sample& s = history.back();
  std::string out = "\033[H\033[J";
  char line[512];
  std::snprintf(line, sizeof line, "leakdbg top: process %d (%s), every %s, %s elapsed%s\n\n",
                v.pid, escape_control_chars(v.name).c_str(), format_duration(v.interval).c_str(),
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
  if (!note.empty()) out += "\n" + escape_control_chars(note) + "\n";
  out += "\nCtrl-C to stop\n";
  return out;
}

std::string render_line(const std::deque<Sample>& history,
                        const std::vector<TrackedFigures>& tracked) {
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
  return text + "\n";
}

}  // namespace leakdbg::cli::top
