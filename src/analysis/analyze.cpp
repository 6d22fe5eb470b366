#include "analysis/analyze.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "analysis/load.h"
#include "symbolize/frame_render.h"
#include "util/error.h"
#include "util/units.h"

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

std::string site_place(const std::vector<SymbolicFrame>& frames) {
  const SymbolicFrame* frame = site_frame(frames);
  if (!frame && !frames.empty()) frame = &frames.front();
  if (!frame) return "an unknown site (no stack recorded)";
  std::string text = frame->function.empty() ? frame_to_text(*frame) : frame->function;
  if (!frame->file.empty())
    text += " at " + std::filesystem::path(frame->file).filename().string() + ":" +
            std::to_string(frame->line);
  if (!frame->module.empty()) text += " in " + frame->module;
  return text;
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
  void process_figures();
  void heaps_and_sizes();
  void sites();
  void verdict();

  AnalyzeOptions options_;
  Digester digester_;
  std::string first_path_;
  AnalyzeReport report_;
  std::vector<size_t> series_;  // digest indexes used for trends
  std::vector<double> times_;   // seconds, per series point
  std::optional<size_t> exit_;  // digest index of the exit snapshot
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
    if (series_.size() > 1)
      report_.notes.push_back("the snapshots carry no times: rates are per snapshot");
  } else {
    double origin = times_.front();
    for (double& t : times_) t -= origin;
  }
  report_.series_points = series_.size();
  report_.duration_s = report_.has_times ? times_.back() : 0;

  std::set<size_t> in_series(series_.begin(), series_.end());
  for (size_t i = 0; i < digests.size(); ++i) {
    const SnapshotDigest& d = digests[i];
    SnapshotInfo info;
    info.path = d.path;
    info.sequence = d.sequence;
    info.trigger = d.trigger;
    info.pid = d.pid;
    info.in_series = in_series.count(i) > 0;
    double origin = single_run ? static_cast<double>(digests[series_.front()].snap_monotonic_ns)
                               : static_cast<double>(digests[series_.front()].snap_realtime_ns);
    double own = single_run ? static_cast<double>(d.snap_monotonic_ns)
                            : static_cast<double>(d.snap_realtime_ns);
    info.time_s = report_.has_times ? (own - origin) / 1e9 : 0;
    info.has_process = d.has_process;
    info.private_bytes = d.private_bytes;
    info.rss_bytes = d.rss_bytes;
    info.heap = d.heap;
    info.mmap = d.mmap;
    report_.snapshots.push_back(info);
  }
}

void Analysis::process_figures() {
  const auto& digests = digester_.digests();
  std::vector<double> t_proc, private_v, rss_v, heap_v, mmap_v, t_mmap;
  for (size_t k = 0; k < series_.size(); ++k) {
    const SnapshotDigest& d = digests[series_[k]];
    heap_v.push_back(static_cast<double>(d.heap.bytes));
    if (d.has_regions) {
      t_mmap.push_back(times_[k]);
      mmap_v.push_back(static_cast<double>(d.mmap.bytes));
    }
    if (d.has_process) {
      t_proc.push_back(times_[k]);
      private_v.push_back(static_cast<double>(d.private_bytes));
      rss_v.push_back(static_cast<double>(d.rss_bytes));
    }
  }
  report_.heap = figure_of(times_, heap_v);
  report_.mmap = figure_of(t_mmap, mmap_v);
  if (t_proc.size() == series_.size()) {
    report_.private_bytes = figure_of(t_proc, private_v);
    report_.rss = figure_of(t_proc, rss_v);
  }

  // The tracker's samples (10+ a second) show the shape between snapshots.
  if (digester_.runs().size() == 1) {
    std::vector<Sample> samples;
    for (const SnapshotDigest& d : digests)
      samples.insert(samples.end(), d.samples.begin(), d.samples.end());
    std::sort(samples.begin(), samples.end(),
              [](const Sample& a, const Sample& b) { return a.monotonic_ns < b.monotonic_ns; });
    report_.samples = samples.size();
    if (!samples.empty()) {
      std::vector<double> t, heap, rss, priv;
      bool private_known = true;
      for (const Sample& s : samples) {
        t.push_back(static_cast<double>(s.monotonic_ns) / 1e9);
        heap.push_back(static_cast<double>(s.heap_bytes));
        rss.push_back(static_cast<double>(s.rss_bytes));
        priv.push_back(static_cast<double>(s.private_bytes));
        private_known = private_known && s.private_bytes > 0;
      }
      report_.sampled_heap = figure_of(t, heap);
      report_.sampled_rss = figure_of(t, rss);
      if (private_known) report_.sampled_private = figure_of(t, priv);
    }
  }

  int64_t explained = report_.heap.growth + (report_.mmap.known ? report_.mmap.growth : 0);
  std::string summary;
  if (report_.private_bytes.known) {
    int64_t priv = report_.private_bytes.growth;
    report_.other_growth = priv - explained;
    if (priv > 0)
      report_.explained_fraction = static_cast<double>(explained) / static_cast<double>(priv);
    summary = "private " + format_bytes_signed(priv) + ", heap " +
              format_bytes_signed(report_.heap.growth);
    if (priv > 0)
      summary +=
          " (" +
          format_percent(static_cast<double>(report_.heap.growth) / static_cast<double>(priv)) +
          ")";
    if (report_.mmap.known) {
      summary += ", mmap " + format_bytes_signed(report_.mmap.growth);
      if (priv > 0)
        summary +=
            " (" +
            format_percent(static_cast<double>(report_.mmap.growth) / static_cast<double>(priv)) +
            ")";
    }
    summary += ", other " + format_bytes_signed(report_.other_growth);
  } else {
    summary = "heap " + format_bytes_signed(report_.heap.growth);
    if (report_.mmap.known) summary += ", mmap " + format_bytes_signed(report_.mmap.growth);
    summary += " (no process figures recorded: private bytes unknown)";
  }
  report_.kinds_summary = summary;
}

void Analysis::heaps_and_sizes() {
  const auto& digests = digester_.digests();
  const SnapshotDigest& first = digests[series_.front()];
  const SnapshotDigest& last = digests[series_.back()];
  std::set<std::string> labels;
  for (const auto& [label, total] : first.heaps) labels.insert(label);
  for (const auto& [label, total] : last.heaps) labels.insert(label);
  for (const auto& [label, bytes] : last.heap_system_bytes) labels.insert(label);
  for (const std::string& label : labels) {
    HeapGrowth row;
    row.heap = label;
    if (auto it = first.heaps.find(label); it != first.heaps.end()) row.first = it->second;
    if (auto it = last.heaps.find(label); it != last.heaps.end()) row.last = it->second;
    auto sf = first.heap_system_bytes.find(label);
    auto sl = last.heap_system_bytes.find(label);
    if (sf != first.heap_system_bytes.end() || sl != last.heap_system_bytes.end()) {
      row.system_known = true;
      row.system_first = sf != first.heap_system_bytes.end() ? sf->second : 0;
      row.system_last = sl != last.heap_system_bytes.end() ? sl->second : 0;
    }
    report_.heaps.push_back(row);
  }
  auto growth = [](const LiveTotal& a, const LiveTotal& b) {
    return static_cast<int64_t>(b.bytes) - static_cast<int64_t>(a.bytes);
  };
  std::stable_sort(report_.heaps.begin(), report_.heaps.end(), [&](const auto& a, const auto& b) {
    return growth(a.first, a.last) > growth(b.first, b.last);
  });

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

void Analysis::sites() {
  const auto& digests = digester_.digests();
  FrameSourceFactory factory =
      options_.frames ? options_.frames : symbolizer_frames(options_.symbolizer);
  ResolvedSites resolved = resolve_sites(digester_, factory);
  size_t site_count = resolved.sites.size();
  size_t points = series_.size();

  // Per site, its cell at each series point (bytes 0 where it had nothing live).
  std::vector<std::vector<SiteCell>> matrix(site_count, std::vector<SiteCell>(points));
  for (size_t k = 0; k < points; ++k)
    for (const SiteCell& cell : resolved.cells[series_[k]]) matrix[cell.stack][k] = cell;

  std::vector<SiteTrend> trends(site_count);
  double total_growth = 0;
  std::vector<double> bytes(points), blocks(points);
  for (size_t s = 0; s < site_count; ++s) {
    SiteTrend& t = trends[s];
    t.site = static_cast<uint32_t>(s);
    t.kind = resolved.sites[s].kind;
    for (size_t k = 0; k < points; ++k) {
      bytes[k] = static_cast<double>(matrix[s][k].bytes);
      blocks[k] = static_cast<double>(matrix[s][k].blocks);
    }
    t.bytes = trend_of(times_, bytes);
    t.blocks = trend_of(times_, blocks);
    if (t.bytes.growth > 0) total_growth += t.bytes.growth;

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
  }
  if (exit_) {
    for (SiteTrend& t : trends) t.exit_known = true;
    for (const SiteCell& cell : resolved.cells[*exit_]) {
      trends[cell.stack].exit_bytes = cell.bytes;
      trends[cell.stack].exit_blocks = cell.blocks;
    }
  }

  std::vector<Suspect> suspects;
  for (size_t s = 0; s < site_count; ++s) {
    SiteTrend& t = trends[s];
    bool listed = points < 2 ? matrix[s].back().blocks > 0 : t.bytes.growth > 0;
    if (!listed) continue;
    if (total_growth > 0 && t.bytes.growth > 0) t.share = t.bytes.growth / total_growth;
    Suspect suspect;
    suspect.trend = t;
    suspect.judgement = judge_site(t, report_.has_times);
    suspect.live_bytes = matrix[s].back().bytes;
    suspect.live_blocks = matrix[s].back().blocks;
    suspects.push_back(std::move(suspect));
  }
  report_.growing_sites = points < 2 ? 0 : suspects.size();
  std::sort(suspects.begin(), suspects.end(), [](const Suspect& a, const Suspect& b) {
    if (a.judgement.likely_leak != b.judgement.likely_leak) return a.judgement.likely_leak;
    if (a.trend.bytes.growth != b.trend.bytes.growth)
      return a.trend.bytes.growth > b.trend.bytes.growth;
    return a.live_bytes > b.live_bytes;
  });
  if (suspects.size() > options_.max_suspects) suspects.resize(options_.max_suspects);
  for (size_t i = 0; i < suspects.size(); ++i) {
    suspects[i].rank = i + 1;
    suspects[i].frames = resolved.sites[suspects[i].trend.site].frames;
  }
  report_.suspects = std::move(suspects);
  report_.series_times = times_;
  if (options_.keep_site_series) {
    report_.site_series.resize(site_count);
    for (size_t s = 0; s < site_count; ++s) {
      SiteSeries& series = report_.site_series[s];
      series.kind = resolved.sites[s].kind;
      series.frames = resolved.sites[s].frames;
      for (const SiteCell& cell : matrix[s]) series.points.push_back({cell.blocks, cell.bytes});
    }
  }

  if (exit_) {
    report_.has_exit = true;
    const SnapshotDigest& exit = digests[*exit_];
    report_.exit_heap = exit.heap;
    report_.exit_mmap = exit.mmap;
    std::vector<SiteCell> cells = resolved.cells[*exit_];
    std::sort(cells.begin(), cells.end(),
              [](const SiteCell& a, const SiteCell& b) { return a.bytes > b.bytes; });
    for (const SiteCell& cell : cells) {
      if (report_.exit_sites.size() >= options_.max_exit_sites) break;
      ExitSite site;
      site.kind = resolved.sites[cell.stack].kind;
      site.live = {cell.blocks, cell.bytes};
      site.frames = resolved.sites[cell.stack].frames;
      report_.exit_sites.push_back(std::move(site));
    }
  }
}

void Analysis::verdict() {
  size_t leaks = 0;
  for (const Suspect& s : report_.suspects) leaks += s.judgement.likely_leak;
  report_.leaking = leaks > 0;
  std::string duration = report_.has_times
                             ? " over " + format_duration(report_.duration_s)
                             : " over " + std::to_string(report_.series_points) + " snapshots";
  if (report_.leaking) {
    const Suspect& top = report_.suspects.front();
    std::string rate =
        report_.has_times
            ? format_bytes_signed(static_cast<int64_t>(top.trend.bytes.slope_per_s * 60)) + "/min"
            : format_bytes_signed(static_cast<int64_t>(top.trend.bytes.growth)) + duration;
    report_.verdict = "LEAK: " + std::to_string(leaks) +
                      (leaks == 1 ? " likely leak" : " likely leaks") + "; the largest, " +
                      std::string(site_kind_name(top.trend.kind)) + " memory from " +
                      site_place(top.frames) + ", grows " + rate + " (" +
                      format_bytes_signed(static_cast<int64_t>(top.trend.bytes.growth)) + ", " +
                      format_count_signed(static_cast<int64_t>(top.trend.blocks.growth)) +
                      " blocks" + duration + ")";
    return;
  }
  if (report_.series_points < 2) {
    report_.verdict = "cannot tell from one snapshot whether memory grows; listing what is live";
    report_.notes.push_back(
        "only one snapshot: trends, growth rates and leak likelihood need two or more snapshots "
        "taken over time (leakdbg run --interval S); what is live is listed, largest first" +
        std::string(report_.has_exit ? ", and the exit snapshot shows what was never freed" : ""));
    return;
  }
  std::string memory = report_.private_bytes.known
                           ? "private memory " + format_bytes_signed(report_.private_bytes.growth)
                           : "heap " + format_bytes_signed(report_.heap.growth);
  report_.verdict = "no likely leak: " + memory + duration;
  if (!report_.suspects.empty()) {
    const Suspect& top = report_.suspects.front();
    report_.verdict += "; largest growth " +
                       format_bytes_signed(static_cast<int64_t>(top.trend.bytes.growth)) +
                       " from " + site_place(top.frames) + " (" + top.judgement.reason + ")";
  }
  if (report_.series_points == 2)
    report_.notes.push_back(
        "two snapshots show growth but not its shape; three or more tell a "
        "leak from a cache that fills up");
}

AnalyzeReport Analysis::finish(std::vector<std::string> warnings) {
  if (digester_.digests().empty()) throw Error("no snapshots to analyze");
  report_.warnings = std::move(warnings);
  report_.runs = digester_.runs().size();
  report_.across_runs = report_.runs > 1;
  const RunStacks& first_run = digester_.runs().front();
  report_.pid = first_run.pid;
  report_.executable = first_run.executable;
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

AnalyzeReport analyze_paths(const std::vector<std::string>& inputs, const AnalyzeOptions& options) {
  namespace fs = std::filesystem;
  if (inputs.empty()) throw Error("nothing to analyze: give a directory or snapshot files");
  // Files listed in a directory that fail to load are skipped with a warning (a run that was
  // killed can leave a truncated last snapshot); a file named explicitly must load.
  std::vector<std::pair<std::string, bool>> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      for (const std::string& file : snapshot_files_in(input)) files.emplace_back(file, true);
    } else {
      files.emplace_back(input, false);
    }
  }
  Analysis analysis(options);
  std::vector<std::string> warnings;
  size_t loaded = 0;
  for (const auto& [file, from_directory] : files) {
    std::vector<HeapModel> models;
    try {
      models = load_models(file);
    } catch (const Error& e) {
      if (!from_directory) throw;
      warnings.push_back(std::string("skipped: ") + e.what());
      continue;
    }
    for (HeapModel& model : models) {
      if (model.source_path.empty()) model.source_path = file;
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
