// The parts of `leakdbg top` (cmd_top.cpp) that hold no loop: the heap-figure poller, the CSV
// writer and the two renderers (a redrawn terminal screen, one line per sample otherwise).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace leakdbg::cli::top {

using Clock = std::chrono::steady_clock;

inline constexpr double kRateWindowSeconds = 60;  // rates are fitted over the last minute

struct Sample {
  double seconds = 0;
  uint64_t private_bytes = 0, rss = 0, virtual_size = 0;
};

struct TrackedFigures {
  double seconds = 0;  // when the snapshot was asked for, on top's clock
  uint64_t heap_bytes = 0, heap_blocks = 0, mmap_bytes = 0;
};

// Heap figures of one fresh snapshot (`seconds` left to the poller); throws on failure.
using FetchFigures = std::function<TrackedFigures()>;

// Asks for heap figures every `period` seconds on its own thread, so that a slow snapshot
// never delays the /proc samples. The first failure is kept and ends the polling.
class TrackerPoller {
 public:
  TrackerPoller(FetchFigures fetch, double period, Clock::time_point start);
  ~TrackerPoller();
  TrackerPoller(const TrackerPoller&) = delete;
  TrackerPoller& operator=(const TrackerPoller&) = delete;

  std::vector<TrackedFigures> figures();
  std::string failure();

 private:
  void run();

  FetchFigures fetch_;
  double period_;
  Clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<TrackedFigures> figures_;
  std::string failure_;
  std::thread thread_;  // last: starts once everything above is ready
};

// Writes every sample to a CSV file; an empty path writes nothing. A row that cannot be
// written (full disk, /dev/full) throws leakdbg::Error with one line.
class CsvOut {
 public:
  explicit CsvOut(const std::string& path);
  ~CsvOut();
  CsvOut(const CsvOut&) = delete;
  CsvOut& operator=(const CsvOut&) = delete;

  void row(const Sample& s, std::optional<double> rate, const TrackedFigures* tracked);

 private:
  void flush();

  std::string path_;
  FILE* file_ = nullptr;
};

// Bytes per minute over the last minute of samples; nullopt with fewer than two points.
std::optional<double> rate_per_minute(const std::deque<Sample>& history, uint64_t Sample::*field);

struct View {
  int pid = 0;
  std::string name;  // as /proc gives it: escaped by the renderers
  double interval = 1;
  bool tracked = false;
};

// The whole terminal screen, starting with the escape that clears it.
std::string render_screen(const View& v, const std::deque<Sample>& history,
                          const std::vector<TrackedFigures>& tracked, const std::string& note);

// One line for a sample when stdout is not a terminal.
std::string render_line(const std::deque<Sample>& history,
                        const std::vector<TrackedFigures>& tracked);

}  // namespace leakdbg::cli::top
