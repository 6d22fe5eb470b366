#include "report/report_data.h"

#include <cmath>

#include "analysis/analyze_render.h"
#include "analysis/site_label.h"
#include "procmem/mem_types.h"
#include "report/source_excerpt.h"

namespace leakdbg::report {

namespace {

using nlohmann::json;

json vmmap_json(const procmem::VmSummary& summary) {
  json types = json::array();
  for (const procmem::TypeTotals& t : summary.types)
    types.push_back({{"type", std::string(procmem::mem_type_name(t.type))},
                     {"size", t.size},
                     {"committed", t.committed},
                     {"private", t.private_bytes},
                     {"rss", t.rss},
                     {"blocks", t.blocks}});
  return types;
}

// The tracker's samples between snapshots, on the series' time axis (seconds from the
// first series point), thinned evenly to at most `limit` points.
json samples_json(const analysis::AnalyzeReport& report, const ExtrasCollector& extras,
                  size_t limit) {
  if (!report.has_times || report.runs != 1) return nullptr;
  const analysis::SnapshotInfo* origin = nullptr;
  for (const analysis::SnapshotInfo& s : report.snapshots)
    if (s.in_series) {
      origin = &s;
      break;
    }
  if (!origin) return nullptr;
  const SnapshotExtras* origin_extras = extras.find(origin->path, origin->sequence);
  if (!origin_extras || origin_extras->snap_monotonic_ns == 0) return nullptr;
  std::vector<Sample> samples;
  for (const analysis::SnapshotInfo& s : report.snapshots)
    if (const SnapshotExtras* e = extras.find(s.path, s.sequence))
      samples.insert(samples.end(), e->samples.begin(), e->samples.end());
  if (samples.empty()) return nullptr;
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.monotonic_ns < b.monotonic_ns; });
  size_t stride = (samples.size() + limit - 1) / limit;
  json t = json::array(), heap = json::array(), rss = json::array(), priv = json::array(),
       mmap = json::array();
  double base = static_cast<double>(origin_extras->snap_monotonic_ns);
  for (size_t i = 0; i < samples.size(); i += stride) {
    const Sample& s = samples[i];
    t.push_back(std::round((static_cast<double>(s.monotonic_ns) - base) / 1e6) / 1e3);
    heap.push_back(s.heap_bytes);
    rss.push_back(s.rss_bytes);
    priv.push_back(s.private_bytes);
    mmap.push_back(s.mmap_bytes);
  }
  return {{"t", t}, {"heap", heap}, {"rss", rss}, {"private", priv}, {"mmap", mmap}};
}

json source_json(const analysis::Suspect& suspect) {
  const SymbolicFrame* site = analysis::site_frame_of(suspect.frames, suspect.site);
  if (!site) return nullptr;
  std::optional<SourceExcerpt> excerpt = source_excerpt(site->file, site->line);
  if (!excerpt) return nullptr;
  return {{"file", excerpt->file},
          {"first_line", excerpt->first_line},
          {"line", excerpt->line},
          {"lines", excerpt->lines}};
}

}  // namespace

json report_data(const analysis::AnalyzeReport& report, const ExtrasCollector& extras,
                 const DataOptions& options) {
  json snapshots = json::array();
  for (const analysis::SnapshotInfo& s : report.snapshots) {
    const SnapshotExtras* e = extras.find(s.path, s.sequence);
    snapshots.push_back(
        {{"tracker_bytes", e && e->has_tracker_bytes ? json(e->tracker_bytes) : json(nullptr)},
         {"vmmap", e && e->vmmap ? vmmap_json(*e->vmmap) : json(nullptr)}});
  }

  json suspect_series = json::array(), sources = json::array();
  for (const analysis::Suspect& suspect : report.suspects) {
    json bytes = json::array(), blocks = json::array();
    size_t site = analysis::index_of(suspect.trend.site);
    if (site < report.site_series.size())
      for (const analysis::LiveTotal& p : report.site_series[site].points) {
        bytes.push_back(p.bytes);
        blocks.push_back(p.blocks);
      }
    suspect_series.push_back({{"bytes", bytes}, {"blocks", blocks}});
    sources.push_back(sources.size() < options.max_sources ? source_json(suspect) : json(nullptr));
  }

  json flame = nullptr;
  if (!report.series_times.empty())
    flame = flame_tree(report.site_series, 0, report.series_times.size() - 1, options.flame);

  return {{"generator", std::string("leakdbg ") + LEAKDBG_VERSION},
          {"executable", report.executable},
          {"pid", report.pid},
          {"analysis", analysis::analyze_to_json(report)},
          {"series_times", report.series_times},
          {"snapshot_extras", snapshots},
          {"samples", samples_json(report, extras, options.max_samples)},
          {"suspect_series", suspect_series},
          {"sources", sources},
          {"flame", flame}};
}

}  // namespace leakdbg::report
