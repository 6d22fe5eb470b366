#include "analysis/analyze.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "symbolize/frame_render.h"
#include "util/error.h"

namespace leakdbg::analysis {

namespace {

bool same_run(const RunStacks& run, const HeapModel& model) {
  return run.pid == model.pid && run.start_realtime_ns == model.start_realtime_ns &&
         run.executable == model.executable;
}

std::string describe_process(uint32_t pid, const std::string& executable) {
  if (pid == 0 && executable.empty()) return "imported text";
  return "pid " + std::to_string(pid) + " (" + (executable.empty() ? "?" : executable) + ")";
}

FigureTrend figure_of(const std::vector<double>& t, const std::vector<double>& v) {
  FigureTrend f;
  if (v.empty()) return f;
  f.known = true;
  SeriesTrend trend = trend_of(t, v);
  f.first = static_cast<uint64_t>(trend.first);
  f.last = static_cast<uint64_t>(trend.last);
  f.peak = static_cast<uint64_t>(trend.peak);
  f.growth = static_cast<int64_t>(trend.last) - static_cast<int64_t>(trend.first);
  f.per_minute = trend.slope_per_s * 60;
  return f;
}

class Analysis {
 public:
  explicit Analysis(const AnalyzeOptions& options) : options_(options) {}

  void add(const HeapModel& model) {
    if (!options_.across_runs && !digester_.runs().empty() &&
        !same_run(digester_.runs().front(), model)) {
      const RunStacks& first = digester_.runs().front();
      throw Error("snapshots of different processes are mixed: " + first_path_ + " is " +
                  describe_process(first.pid, first.executable) + ", " + model.source_path +
                  " is " + describe_process(model.pid, model.executable) +
                  "; analyze one run at a time, or pass --across-runs to compare them by symbols");
    }
    if (digester_.digests().empty()) first_path_ = model.source_path;
    if (options_.on_model) options_.on_model(model);
    digester_.add(model);
  }

  AnalyzeReport finish(std::vector<std::string> warnings);

 private:
  void order_digests();
  void choose_series();
  void series_times();
  void find_teardown();
  void describe_snapshots();
  void process_figures();
  void sampled_figures();
  void heaps_and_sizes();
  HeapGrowth heap_growth(const std::string& label) const;
  void heap_suspects();
  void count_class(const Judgement& judgement);
  void sites();
  std::vector<SiteTrend> site_trends(const ResolvedSites& resolved,
                                     const std::vector<std::vector<SiteCell>>& matrix);
  void reachability_evidence(const ResolvedSites& resolved, std::vector<SiteTrend>& trends);
  void rank_suspects(const ResolvedSites& resolved, std::vector<SiteTrend>& trends,
                     const std::vector<std::vector<SiteCell>>& matrix);
  void exit_sites(const ResolvedSites& resolved);
  void verdict();

  AnalyzeOptions options_;
  Digester digester_;
  std::string first_path_;
  AnalyzeReport report_;
  std::vector<size_t> series_;    // digest indexes used for trends: the running phase
  std::vector<size_t> teardown_;  // digest indexes of series snapshots taken in teardown
  std::vector<double> times_;     // seconds, per series point
  std::optional<size_t> exit_;    // digest index of the exit snapshot
};

void Analysis::order_digests() {
  auto& digests = digester_.digests();
  bool timed = std::all_of(digests.begin(), digests.end(),
                           [](const SnapshotDigest& d) { return d.snap_realtime_ns > 0; });
  if (!timed) return;  // imported text: the order given is the only order there is
  if (digester_.runs().size() == 1)
    std::stable_sort(digests.begin(), digests.end(),
                     [](const auto& a, const auto& b) { return a.sequence < b.sequence; });
  else
    std::stable_sort(digests.begin(), digests.end(), [](const auto& a, const auto& b) {
      return a.snap_realtime_ns < b.snap_realtime_ns;
    });
}

void Analysis::choose_series() {
  const auto& digests = digester_.digests();
  for (size_t i = 0; i < digests.size(); ++i)
    if (digests[i].trigger != Trigger::kExit) series_.push_back(i);
  // Teardown frees must not hide growth seen while the program ran: the exit snapshot joins
  // the trend only when the run gave fewer than two others.
  if (series_.size() < 2) {
    series_.clear();
    for (size_t i = 0; i < digests.size(); ++i) series_.push_back(i);
  }
  for (size_t i = digests.size(); i-- > 0;)
    if (digests[i].trigger == Trigger::kExit) {
      exit_ = i;
      break;
    }
}

// Seconds since the first series point; one minute per snapshot when there are no times.
void Analysis::series_times() {
  const auto& digests = digester_.digests();
  bool single_run = digester_.runs().size() == 1;
  report_.has_times = true;
  for (size_t i : series_) {
    const SnapshotDigest& d = digests[i];
    double t = single_run ? static_cast<double>(d.snap_monotonic_ns) / 1e9
                          : static_cast<double>(d.snap_realtime_ns) / 1e9;
    if ((single_run ? d.snap_monotonic_ns : d.snap_realtime_ns) == 0 && i != series_.front())
      report_.has_times = false;
    if (!times_.empty() && t < times_.back()) report_.has_times = false;
    times_.push_back(t);
  }
  if (series_.size() > 1 && times_.back() <= times_.front()) report_.has_times = false;
  if (!report_.has_times) {
    // One minute per snapshot, so that "per minute" reads as "per snapshot".
    for (size_t i = 0; i < times_.size(); ++i) times_[i] = 60.0 * static_cast<double>(i);
    if (series_.size() > 1) report_.notes.push_back(NoteCode::kNoTimes);
  } else {
    double origin = times_.front();
    for (double& t : times_) t -= origin;
  }
}

void Analysis::find_teardown() {
  const auto& digests = digester_.digests();
  size_t n = series_.size();
  // Teardown needs a run that ended (the exit snapshot) and a running phase of three points
  // left once it is cut off; stacks are compared within one run.
  if (!exit_ || digester_.runs().size() != 1 || n < 4) return;
  std::vector<double> tracked(n);
  for (size_t k = 0; k < n; ++k) {
    const SnapshotDigest& d = digests[series_[k]];
    tracked[k] = static_cast<double>(d.heap.bytes + d.mmap.bytes);
  }
  size_t peak =
      static_cast<size_t>(std::max_element(tracked.begin(), tracked.end()) - tracked.begin());
  size_t tail = n - 1 - peak;
  // Confined to the end: the fall takes no longer than the running phase before it.
  if (tail == 0 || peak < 2 || tail > peak) return;
  double fall = tracked[peak] - tracked[n - 1];
  if (fall < std::max(static_cast<double>(kMinLeakBytes), kTeardownFallFraction * tracked[peak]))
    return;
  for (size_t k = peak + 1; k < n; ++k)
    if (tracked[k] > tracked[k - 1] + 0.01 * tracked[peak]) return;  // regrew: still running
  double largest_earlier_drop = 0;
  for (size_t k = 1; k <= peak; ++k)
    largest_earlier_drop = std::max(largest_earlier_drop, tracked[k - 1] - tracked[k]);
  if (largest_earlier_drop >= 0.5 * fall) return;  // falls like this happened while running

  // Sites fall together: most of the fall comes from stacks that lost a fifth or more of
  // their bytes (being freed, possibly only partly by the time of the snapshot, rather than
  // shrinking a little everywhere). Counted per stack, so that the report can say how many.
  // (A stack id already tells heap from mmap: stacks are interned with their kind.)
  std::unordered_map<size_t, uint64_t> end_bytes;
  for (const StackCell& cell : digests[series_[n - 1]].cells)
    end_bytes[index_of(cell.id)] += cell.bytes;
  double freed_by_falling = 0;
  size_t falling_sites = 0;
  for (const StackCell& cell : digests[series_[peak]].cells) {
    auto it = end_bytes.find(index_of(cell.id));
    uint64_t after = it == end_bytes.end() ? 0 : it->second;
    if (cell.bytes > 0 && static_cast<double>(after) <= 0.8 * static_cast<double>(cell.bytes)) {
      freed_by_falling += static_cast<double>(cell.bytes - after);
      ++falling_sites;
    }
  }
  if (freed_by_falling < 0.5 * fall) return;

  report_.teardown.detected = true;
  report_.teardown.points = tail;
  report_.teardown.start_s = times_[peak + 1];
  report_.teardown.peak_bytes = static_cast<uint64_t>(tracked[peak]);
  report_.teardown.end_bytes = static_cast<uint64_t>(tracked[n - 1]);
  report_.teardown.falling_sites = falling_sites;
  teardown_.assign(series_.begin() + static_cast<std::ptrdiff_t>(peak) + 1, series_.end());
  series_.resize(peak + 1);
  times_.resize(peak + 1);
  report_.notes.push_back(NoteCode::kTeardownLeftOut);
}

void Analysis::describe_snapshots() {
  const auto& digests = digester_.digests();
  bool single_run = digester_.runs().size() == 1;
  report_.series_points = series_.size();
  report_.duration_s = report_.has_times ? times_.back() : 0;
  std::set<size_t> in_series(series_.begin(), series_.end());
  std::set<size_t> in_teardown(teardown_.begin(), teardown_.end());
  double origin = single_run ? static_cast<double>(digests[series_.front()].snap_monotonic_ns)
                             : static_cast<double>(digests[series_.front()].snap_realtime_ns);
  for (size_t i = 0; i < digests.size(); ++i) {
    const SnapshotDigest& d = digests[i];
    SnapshotInfo info;
    info.path = d.path;
    info.sequence = d.sequence;
    info.trigger = d.trigger;
    info.pid = d.pid;
    info.in_series = in_series.count(i) > 0;
    info.in_teardown = in_teardown.count(i) > 0;
    double own = single_run ? static_cast<double>(d.snap_monotonic_ns)
                            : static_cast<double>(d.snap_realtime_ns);
    info.time_s = report_.has_times ? (own - origin) / 1e9 : 0;
    info.has_process = d.has_process;
    info.private_bytes = d.private_bytes;
    info.rss_bytes = d.rss_bytes;
    info.tracker_bytes = d.tracker_bytes;
    info.heap = d.heap;
    info.mmap = d.mmap;
    report_.snapshots.push_back(info);
  }
}

uint64_t without(uint64_t figure, uint64_t tracker) {
  return figure > tracker ? figure - tracker : 0;
}

void Analysis::process_figures() {
  const auto& digests = digester_.digests();
  std::vector<double> t_proc, private_v, rss_v, heap_v, mmap_v, t_mmap, tracker_v;
  bool tracker_known = true;
  for (size_t k = 0; k < series_.size(); ++k) {
    const SnapshotDigest& d = digests[series_[k]];
    tracker_known = tracker_known && d.tracker_bytes > 0;
    tracker_v.push_back(static_cast<double>(d.tracker_bytes));
  }
  // The tracker counts the memory it has mapped, not all of it resident: what it adds over
  // the run is what it makes the process grow by, so that part is taken out.
  int64_t tracker_base = tracker_known ? static_cast<int64_t>(tracker_v.front()) : 0;
  for (size_t k = 0; k < series_.size(); ++k) {
    const SnapshotDigest& d = digests[series_[k]];
    heap_v.push_back(static_cast<double>(d.heap.bytes));
    if (d.has_regions) {
      t_mmap.push_back(times_[k]);
      mmap_v.push_back(static_cast<double>(d.mmap.bytes));
    }
    if (d.has_process) {
      int64_t added = tracker_known ? static_cast<int64_t>(d.tracker_bytes) - tracker_base : 0;
      t_proc.push_back(times_[k]);
      private_v.push_back(static_cast<double>(without(d.private_bytes, added)));
      rss_v.push_back(static_cast<double>(without(d.rss_bytes, added)));
    }
  }
  report_.heap = figure_of(times_, heap_v);
  report_.mmap = figure_of(t_mmap, mmap_v);
  if (tracker_known) report_.tracker = figure_of(times_, tracker_v);
  if (t_proc.size() == series_.size()) {
    report_.private_bytes = figure_of(t_proc, private_v);
    report_.rss = figure_of(t_proc, rss_v);
    report_.tracker_subtracted = tracker_known;
    if (tracker_known) report_.notes.push_back(NoteCode::kTrackerSubtracted);
  }
  if (digester_.runs().size() == 1) sampled_figures();

  int64_t explained = report_.heap.growth + (report_.mmap.known ? report_.mmap.growth : 0);
  if (report_.private_bytes.known) {
    int64_t priv = report_.private_bytes.growth;
    report_.other_growth = priv - explained;
    if (priv > 0)
      report_.explained_fraction = static_cast<double>(explained) / static_cast<double>(priv);
  }
}

// The tracker's samples (10+ a second) show the shape between snapshots. Only those within
// the running phase count, so that the sampled rows cover what the snapshot rows cover, and
// the tracker's growth (known at each snapshot, interpolated between) is taken out of them
// as well.
void Analysis::sampled_figures() {
  const auto& digests = digester_.digests();
  uint64_t from = digests[series_.front()].snap_monotonic_ns;
  uint64_t to = digests[series_.back()].snap_monotonic_ns;
  std::vector<Sample> samples;
  for (const SnapshotDigest& d : digests)
    for (const Sample& s : d.samples)
      if (s.monotonic_ns >= from && s.monotonic_ns <= to) samples.push_back(s);
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.monotonic_ns < b.monotonic_ns; });
  report_.samples = samples.size();
  if (samples.empty()) return;
  // The tracker's memory between two snapshots, interpolated.
  std::vector<std::pair<double, double>> tracker_at;
  if (report_.tracker_subtracted)
    for (size_t i : series_)
      tracker_at.emplace_back(static_cast<double>(digests[i].snap_monotonic_ns),
                              static_cast<double>(digests[i].tracker_bytes));
  double tracker_base = tracker_at.empty() ? 0 : tracker_at.front().second;
  auto tracker = [&](uint64_t ns) {
    if (tracker_at.empty()) return 0.0;
    double t = static_cast<double>(ns);
    if (t <= tracker_at.front().first) return tracker_at.front().second;
    for (size_t i = 1; i < tracker_at.size(); ++i)
      if (t <= tracker_at[i].first) {
        auto [t0, v0] = tracker_at[i - 1];
        auto [t1, v1] = tracker_at[i];
        return t1 > t0 ? v0 + (v1 - v0) * (t - t0) / (t1 - t0) : v1;
      }
    return tracker_at.back().second;
  };
  std::vector<double> t, heap, rss, priv;
  bool private_known = true;
  for (const Sample& s : samples) {
    double own = tracker(s.monotonic_ns) - tracker_base;
    t.push_back(static_cast<double>(s.monotonic_ns) / 1e9);
    heap.push_back(static_cast<double>(s.heap_bytes));
    rss.push_back(std::max(0.0, static_cast<double>(s.rss_bytes) - own));
    priv.push_back(std::max(0.0, static_cast<double>(s.private_bytes) - own));
    private_known = private_known && s.private_bytes > 0;
  }
  report_.sampled_heap = figure_of(t, heap);
  report_.sampled_rss = figure_of(t, rss);
  if (private_known) report_.sampled_private = figure_of(t, priv);
}

void Analysis::heaps_and_sizes() {
  const auto& digests = digester_.digests();
  const SnapshotDigest& first = digests[series_.front()];
  const SnapshotDigest& last = digests[series_.back()];
  std::set<std::string> labels;
  for (size_t i : series_) {
    for (const auto& [label, total] : digests[i].heaps) labels.insert(label);
    for (const auto& [label, figures] : digests[i].heap_figures) labels.insert(label);
  }
  for (const std::string& label : labels) {
    HeapGrowth row = heap_growth(label);
    auto live = [&](const SnapshotDigest& d) {
      auto it = d.heaps.find(label);
      return it != d.heaps.end() ? it->second : LiveTotal{};
    };
    row.first = live(first);
    row.last = live(last);
    // An arena that never held anything.
    if (!row.has_blocks && (!row.figures_known || row.committed.peak == 0)) continue;
    report_.heaps.push_back(row);
  }
  auto growth = [](const LiveTotal& a, const LiveTotal& b) {
    return static_cast<int64_t>(b.bytes) - static_cast<int64_t>(a.bytes);
  };
  std::stable_sort(report_.heaps.begin(), report_.heaps.end(), [&](const auto& a, const auto& b) {
    int64_t ga = growth(a.first, a.last), gb = growth(b.first, b.last);
    if (ga != gb) return ga > gb;
    return a.committed.growth > b.committed.growth;
  });
  heap_suspects();

  std::vector<SizeGrowth> sizes;
  for (const auto& [size, total] : last.sizes) {
    SizeGrowth row;
    row.size = size;
    row.last = total;
    if (auto it = first.sizes.find(size); it != first.sizes.end()) row.first = it->second;
    sizes.push_back(row);
  }
  for (const auto& [size, total] : first.sizes)
    if (!last.sizes.count(size)) sizes.push_back(SizeGrowth{size, total, {}});
  std::sort(sizes.begin(), sizes.end(), [&](const auto& a, const auto& b) {
    int64_t ga = growth(a.first, a.last), gb = growth(b.first, b.last);
    return ga != gb ? ga > gb : a.size < b.size;
  });
  if (sizes.size() > options_.max_rows) sizes.resize(options_.max_rows);
  report_.sizes = std::move(sizes);
}

// One heap over the series: its live blocks, and its committed bytes as a trend over the
// states that give its figures. A state that lists other heaps with figures but not this one
// had no such heap yet (or any more): it committed nothing there.
HeapGrowth Analysis::heap_growth(const std::string& label) const {
  const auto& digests = digester_.digests();
  HeapGrowth row;
  row.heap = label;
  std::vector<double> t, committed;
  bool reserved_seen = false;
  for (size_t k = 0; k < series_.size(); ++k) {
    const SnapshotDigest& d = digests[series_[k]];
    if (auto it = d.heaps.find(label); it != d.heaps.end() && it->second.blocks > 0)
      row.has_blocks = true;
    auto it = d.heap_figures.find(label);
    bool lists_figures = std::any_of(d.heap_figures.begin(), d.heap_figures.end(),
                                     [](const auto& entry) { return entry.second.figures_known; });
    HeapFigures figures;
    if (it != d.heap_figures.end())
      figures = it->second;
    else if (!lists_figures)
      continue;
    if (!figures.figures_known) continue;
    t.push_back(times_[k]);
    committed.push_back(static_cast<double>(figures.committed));
    if (!reserved_seen) row.reserved_first = figures.reserved;
    row.reserved_last = figures.reserved;
    reserved_seen = true;
  }
  row.figures_known = !committed.empty();
  row.committed = trend_of(t, committed);
  return row;
}

// Heaps whose blocks the source did not list are judged by their committed bytes; those that
// grew are listed, most serious class first, then by growth.
void Analysis::heap_suspects() {
  std::vector<HeapSuspect> suspects;
  for (const HeapGrowth& heap : report_.heaps) {
    if (heap.has_blocks || !heap.figures_known || heap.committed.points < 2 ||
        heap.committed.growth <= 0)
      continue;
    suspects.push_back({0, heap, judge_heap_commit(heap.committed)});
  }
  std::stable_sort(suspects.begin(), suspects.end(), [](const auto& a, const auto& b) {
    if (a.judgement.verdict_class != b.judgement.verdict_class)
      return a.judgement.verdict_class < b.judgement.verdict_class;
    return a.heap.committed.growth > b.heap.committed.growth;
  });
  for (size_t i = 0; i < suspects.size(); ++i) {
    suspects[i].rank = i + 1;
    count_class(suspects[i].judgement);
  }
  report_.heap_suspects = std::move(suspects);
}

void Analysis::count_class(const Judgement& judgement) {
  report_.likely_leaks += judgement.likely_leak;
  report_.held_until_exit += judgement.verdict_class == VerdictClass::kHeldUntilExit;
  report_.two_state_growth += judgement.verdict_class == VerdictClass::kTwoStateGrowth;
}

void Analysis::sites() {
  FrameSourceFactory factory =
      options_.frames ? options_.frames : symbolizer_frames(options_.symbolizer);
  ResolvedSites resolved = resolve_sites(digester_, factory, options_.labels);
  // Per site, its cell at each series point (bytes 0 where it had nothing live).
  std::vector<std::vector<SiteCell>> matrix(resolved.sites.size(),
                                            std::vector<SiteCell>(series_.size()));
  for (size_t k = 0; k < series_.size(); ++k)
    for (const SiteCell& cell : resolved.cells[series_[k]]) matrix[index_of(cell.id)][k] = cell;
  std::vector<SiteTrend> trends = site_trends(resolved, matrix);
  if (!teardown_.empty())
    for (const SiteCell& cell : resolved.cells[teardown_.back()])
      trends[index_of(cell.id)].teardown_bytes = static_cast<double>(cell.bytes);
  if (exit_) {
    for (const SiteCell& cell : resolved.cells[*exit_]) {
      trends[index_of(cell.id)].exit_bytes = cell.bytes;
      trends[index_of(cell.id)].exit_blocks = cell.blocks;
    }
  }
  reachability_evidence(resolved, trends);
  rank_suspects(resolved, trends, matrix);
  exit_sites(resolved);
  report_.series_times = times_;
  if (options_.keep_site_series) {
    report_.site_series.resize(resolved.sites.size());
    for (size_t s = 0; s < resolved.sites.size(); ++s) {
      SiteSeries& series = report_.site_series[s];
      series.kind = resolved.sites[s].kind;
      series.frames = resolved.sites[s].frames;
      for (const SiteCell& cell : matrix[s]) series.points.push_back({cell.blocks, cell.bytes});
    }
  }
}

std::vector<SiteTrend> Analysis::site_trends(const ResolvedSites& resolved,
                                             const std::vector<std::vector<SiteCell>>& matrix) {
  const auto& digests = digester_.digests();
  size_t points = series_.size();
  std::vector<SiteTrend> trends(resolved.sites.size());
  std::vector<double> bytes(points), blocks(points);
  for (size_t s = 0; s < trends.size(); ++s) {
    SiteTrend& t = trends[s];
    t.site = static_cast<SiteId>(s);
    t.kind = resolved.sites[s].kind;
    for (size_t k = 0; k < points; ++k) {
      bytes[k] = static_cast<double>(matrix[s][k].bytes);
      blocks[k] = static_cast<double>(matrix[s][k].blocks);
    }
    t.bytes = trend_of(times_, bytes);
    t.blocks = trend_of(times_, blocks);

    uint64_t survivors = 0, previous = 0;
    for (size_t k = 1; k < points; ++k) {
      const SnapshotDigest& now = digests[series_[k]];
      const SnapshotDigest& before = digests[series_[k - 1]];
      if (!now.survivor_base || *now.survivor_base != before.sequence || now.run != before.run)
        continue;
      survivors += matrix[s][k].survivors;
      previous += matrix[s][k - 1].blocks;
    }
    if (previous > 0) t.survival = static_cast<double>(survivors) / static_cast<double>(previous);

    const SnapshotDigest& last = digests[series_.back()];
    const SiteCell& live = matrix[s].back();
    if (last.has_ages && live.blocks > 0) {
      t.has_ages = true;
      t.oldest_age_s = static_cast<double>(live.oldest_age_ns) / 1e9;
      t.youngest_age_s = static_cast<double>(live.youngest_age_ns) / 1e9;
      t.mean_age_s = live.age_sum_ns / static_cast<double>(live.blocks) / 1e9;
    }
    t.teardown_seen = !teardown_.empty();
    t.exit_known = exit_.has_value();
  }
  return trends;
}

// Class counts from the last snapshot with classes; what holds the reachable blocks from the
// last exit snapshot where a root held some of the site's blocks (after static destructors,
// what is still held is what never gets freed), else the last other snapshot with classes.
void Analysis::reachability_evidence(const ResolvedSites& resolved,
                                     std::vector<SiteTrend>& trends) {
  const auto& digests = digester_.digests();
  std::optional<size_t> last;
  for (size_t i = 0; i < digests.size(); ++i)
    if (digests[i].has_reachability) last = i;
  if (!last) return;
  for (SiteTrend& t : trends) {
    t.reachability = ReachabilityEvidence{};
    t.reachability->snapshot = *last;
  }
  for (const SiteCell& cell : resolved.cells[*last]) {
    ReachabilityEvidence& e = *trends[index_of(cell.id)].reachability;
    e.unreachable_blocks = cell.unreachable.blocks;
    e.unreachable_bytes = cell.unreachable.bytes;
    e.indirect_blocks = cell.indirect.blocks;
    e.indirect_bytes = cell.indirect.bytes;
    e.possibly_blocks = cell.possibly.blocks;
    e.possibly_bytes = cell.possibly.bytes;
    e.scanned_blocks = cell.blocks;
  }
  std::vector<size_t> order;
  for (size_t i = digests.size(); i-- > 0;)
    if (!resolved.holders[i].empty() && digests[i].trigger == Trigger::kExit) order.push_back(i);
  for (size_t i = digests.size(); i-- > 0;)
    if (!resolved.holders[i].empty() && digests[i].trigger != Trigger::kExit) order.push_back(i);
  std::vector<bool> decided(trends.size(), false);
  for (size_t d : order) {
    struct Pick {
      const SiteHolder* best = nullptr;
      uint64_t held = 0;
    };
    std::map<size_t, Pick> picks;  // by site, in site order
    for (const SiteHolder& h : resolved.holders[d]) {
      Pick& pick = picks[index_of(h.site)];
      pick.held += h.blocks;
      if (!pick.best || h.blocks > pick.best->blocks) pick.best = &h;
    }
    for (const auto& [site, pick] : picks) {
      if (decided[site]) continue;
      decided[site] = true;
      const SiteHolder& h = *pick.best;
      HeldBy held;
      held.root = h.root;
      held.blocks = h.blocks;
      held.bytes = h.bytes;
      held.reachable_blocks = pick.held;
      if (h.container && *h.container != h.site) {
        held.has_container = true;
        held.container_frames = resolved.site(*h.container).frames;
        held.container_site = resolved.site(*h.container).label;
        held.container_kind = resolved.site(*h.container).kind;
      }
      trends[site].reachability->held_by = std::move(held);
    }
  }
}

// Most serious class first; within a class, the largest growth.
void Analysis::rank_suspects(const ResolvedSites& resolved, std::vector<SiteTrend>& trends,
                             const std::vector<std::vector<SiteCell>>& matrix) {
  size_t points = series_.size();
  double total_growth = 0;
  for (const SiteTrend& t : trends)
    if (t.bytes.growth > 0) total_growth += t.bytes.growth;
  std::vector<Suspect> suspects;
  for (size_t s = 0; s < trends.size(); ++s) {
    SiteTrend& t = trends[s];
    bool listed = points < 2 ? matrix[s].back().blocks > 0 : t.bytes.growth > 0;
    // Lost blocks are a leak whatever the trend: a site that leaked once is listed too.
    listed = listed || (t.reachability && t.reachability->lost_blocks() > 0);
    if (!listed) continue;
    if (total_growth > 0 && t.bytes.growth > 0) t.share = t.bytes.growth / total_growth;
    Suspect suspect;
    suspect.trend = t;
    suspect.judgement = judge_site(t);
    suspect.live_bytes = matrix[s].back().bytes;
    suspect.live_blocks = matrix[s].back().blocks;
    suspects.push_back(std::move(suspect));
  }
  report_.growing_sites = points < 2 ? 0 : suspects.size();
  std::sort(suspects.begin(), suspects.end(), [&](const Suspect& a, const Suspect& b) {
    if (a.judgement.verdict_class != b.judgement.verdict_class)
      return a.judgement.verdict_class < b.judgement.verdict_class;
    if (a.trend.bytes.growth != b.trend.bytes.growth)
      return a.trend.bytes.growth > b.trend.bytes.growth;
    if (a.live_bytes != b.live_bytes) return a.live_bytes > b.live_bytes;
    return resolved.site(a.trend.site).key < resolved.site(b.trend.site).key;
  });
  for (const Suspect& s : suspects) count_class(s.judgement);
  if (suspects.size() > options_.max_suspects) suspects.resize(options_.max_suspects);
  for (size_t i = 0; i < suspects.size(); ++i) {
    suspects[i].rank = i + 1;
    const SiteInfo& site = resolved.site(suspects[i].trend.site);
    suspects[i].frames = site.frames;
    suspects[i].site = site.label;
  }
  report_.suspects = std::move(suspects);
}

void Analysis::exit_sites(const ResolvedSites& resolved) {
  if (!exit_) return;
  const SnapshotDigest& exit = digester_.digests()[*exit_];
  report_.has_exit = true;
  report_.exit_heap = exit.heap;
  report_.exit_mmap = exit.mmap;
  report_.exit_classified = exit.has_reachability;
  report_.exit_regions_classified = exit.has_region_classes;
  std::vector<SiteCell> cells = resolved.cells[*exit_];
  for (const SiteCell& cell : cells) {
    const bool heap = resolved.site(cell.id).kind == SiteKind::kHeap;
    for (auto [from, to, region_to] :
         {std::tuple{&SiteCell::unreachable, &report_.exit_unreachable,
                     &report_.exit_region_unreachable},
          std::tuple{&SiteCell::indirect, &report_.exit_indirect, &report_.exit_region_indirect},
          std::tuple{&SiteCell::possibly, &report_.exit_possibly, &report_.exit_region_possibly}}) {
      LiveTotal* total = heap ? to : region_to;
      total->blocks += (cell.*from).blocks;
      total->bytes += (cell.*from).bytes;
    }
  }
  auto lost = [](const SiteCell& c) { return c.unreachable.bytes + c.indirect.bytes; };
  std::stable_sort(cells.begin(), cells.end(), [&](const SiteCell& a, const SiteCell& b) {
    if (lost(a) != lost(b)) return lost(a) > lost(b);
    return a.bytes > b.bytes;
  });
  for (const SiteCell& cell : cells) {
    if (report_.exit_sites.size() >= options_.max_exit_sites) break;
    const SiteInfo& info = resolved.site(cell.id);
    ExitSite site;
    site.kind = info.kind;
    site.live = {cell.blocks, cell.bytes};
    site.unreachable = cell.unreachable;
    site.indirect = cell.indirect;
    site.possibly = cell.possibly;
    site.unclassified = cell.unclassified;
    site.frames = info.frames;
    site.site = info.label;
    report_.exit_sites.push_back(std::move(site));
  }
}

void Analysis::verdict() {
  report_.leaking = report_.likely_leaks > 0;
  if (report_.leaking) {
    report_.verdict = VerdictKind::kLeak;
  } else if (report_.series_points < 2) {
    report_.verdict = VerdictKind::kOneSnapshot;
    report_.notes.push_back(NoteCode::kOneSnapshot);
    return;
  } else if (report_.held_until_exit > 0) {
    report_.verdict = VerdictKind::kHeldUntilExit;
  } else {
    report_.verdict =
        report_.two_state_growth > 0 ? VerdictKind::kTwoStateGrowth : VerdictKind::kNoLeak;
  }
  if (report_.series_points == 2) report_.notes.push_back(NoteCode::kTwoSnapshots);
}

AnalyzeReport Analysis::finish(std::vector<std::string> warnings) {
  if (digester_.digests().empty()) throw Error("no snapshots to analyze");
  report_.warnings = std::move(warnings);
  report_.runs = digester_.runs().size();
  report_.across_runs = report_.runs > 1;
  const RunStacks& first_run = digester_.runs().front();
  report_.pid = first_run.pid;
  report_.executable = first_run.executable;
  report_.source_kind = digester_.digests().front().source_kind;
  for (const SnapshotDigest& d : digester_.digests())
    report_.block_counts_known = report_.block_counts_known && d.block_counts_known;
  if (report_.runs > 1) {
    std::set<std::string> builds;
    for (const RunStacks& run : digester_.runs())
      builds.insert(run.executable + "\n" + run.build_id);
    if (builds.size() > 1)
      report_.warnings.push_back(
          "the snapshots come from different builds or programs; sites are matched by symbols "
          "(function, file, line), which may have moved between builds");
  }
  order_digests();
  choose_series();
  series_times();
  find_teardown();
  describe_snapshots();
  process_figures();
  heaps_and_sizes();
  sites();
  verdict();
  return std::move(report_);
}

}  // namespace

AnalyzeReport analyze_stream(const std::function<bool(HeapModel&)>& next,
                             const AnalyzeOptions& options) {
  Analysis analysis(options);
  HeapModel model;
  while (next(model)) analysis.add(model);
  return analysis.finish({});
}

AnalyzeReport analyze_files(const std::vector<AnalyzeInput>& files, const ModelLoader& load,
                            const AnalyzeOptions& options) {
  if (files.empty()) throw Error("nothing to analyze: give a directory or snapshot files");
  // Files listed in a directory that fail to load are skipped with a warning (a run that was
  // killed can leave a truncated last snapshot); a file named explicitly must load.
  Analysis analysis(options);
  std::vector<std::string> warnings;
  size_t loaded = 0;
  for (const AnalyzeInput& file : files) {
    std::vector<HeapModel> models;
    try {
      models = load(file.path);
    } catch (const Error& e) {
      if (!file.from_directory) throw;
      warnings.push_back(std::string("skipped: ") + e.what());
      continue;
    }
    for (HeapModel& model : models) {
      if (model.source_path.empty()) model.source_path = file.path;
      analysis.add(model);
      ++loaded;
    }
  }
  if (loaded == 0) {
    std::string first = warnings.empty() ? "" : ": " + warnings.front();
    throw Error("no readable snapshot among " + std::to_string(files.size()) + " file(s)" + first);
  }
  return analysis.finish(std::move(warnings));
}

}  // namespace leakdbg::analysis
