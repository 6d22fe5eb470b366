#include "analysis/analyze_render.h"

#include <cmath>
#include <filesystem>

#include "model/heap_model.h"
#include "symbolize/frame_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::analysis {

namespace {

using nlohmann::json;

int64_t as_int(double v) { return static_cast<int64_t>(std::llround(v)); }

std::string site_name(const std::vector<SymbolicFrame>& frames) {
  const SymbolicFrame* frame = site_frame(frames);
  if (!frame) return frames.empty() ? "(no stack)" : frame_to_text(frames.front());
  std::string text = frame->function.empty() ? frame_to_text(*frame) : function_text(*frame);
  if (!frame->file.empty())
    text += "  " + std::filesystem::path(frame->file).filename().string() + ":" +
            std::to_string(frame->line);
  return text;
}

std::string rate(const AnalyzeReport& report, double per_minute) {
  return format_bytes_signed(as_int(per_minute)) + (report.has_times ? "/min" : "/snap");
}

void print_figure(Table& table, const AnalyzeReport& report, const std::string& name,
                  const FigureTrend& f) {
  if (!f.known) return;
  table.add_row({name, format_bytes(f.first), format_bytes(f.last), format_bytes(f.peak),
                 format_bytes_signed(f.growth), rate(report, f.per_minute)});
}

json figure_json(const FigureTrend& f) {
  if (!f.known) return nullptr;
  return {{"first", f.first},
          {"last", f.last},
          {"peak", f.peak},
          {"growth", f.growth},
          {"bytes_per_minute", as_int(f.per_minute)}};
}

json trend_json(const SeriesTrend& t) {
  return {{"first", as_int(t.first)},
          {"last", as_int(t.last)},
          {"peak", as_int(t.peak)},
          {"growth", as_int(t.growth)},
          {"intervals", t.intervals},
          {"intervals_grew", t.intervals_grew},
          {"intervals_shrank", t.intervals_shrank},
          {"late_growth", as_int(t.late_growth)},
          {"still_growing", t.still_growing}};
}

json site_frame_json(const std::vector<SymbolicFrame>& frames) {
  const SymbolicFrame* frame = site_frame(frames);
  if (!frame) return nullptr;
  return frame_to_json(*frame);
}

}  // namespace

void print_analyze_text(std::ostream& out, const AnalyzeReport& report) {
  out << "Verdict: " << report.verdict << "\n";
  size_t shown = 0;
  for (const Suspect& s : report.suspects) {
    if (!s.judgement.likely_leak || shown == 3) continue;
    ++shown;
    out << "  #" << s.rank << " " << site_kind_name(s.trend.kind) << " " << site_name(s.frames)
        << ": " << format_bytes_signed(as_int(s.trend.bytes.growth)) << " ("
        << format_count_signed(as_int(s.trend.blocks.growth)) << " blocks), "
        << rate(report, s.trend.bytes.slope_per_s * 60) << "\n";
  }
  for (const std::string& w : report.warnings) out << "warning: " << w << "\n";
  out << "\n";

  out << "1. Memory trend: " << report.snapshots.size() << " snapshot(s) of "
      << (report.runs > 1 ? std::to_string(report.runs) + " runs"
                          : "pid " + std::to_string(report.pid) + " " + report.executable)
      << ", " << report.series_points << " used for trends";
  if (report.has_times) out << " over " << format_duration(report.duration_s);
  out << "\n";
  Table figures;
  figures.add_column("", Table::Align::kLeft);
  for (const char* title : {"first", "last", "peak", "change", "rate"}) figures.add_column(title);
  print_figure(figures, report, "private", report.private_bytes);
  print_figure(figures, report, "RSS", report.rss);
  print_figure(figures, report, "heap", report.heap);
  print_figure(figures, report, "mmap", report.mmap);
  if (report.samples > 1) {
    print_figure(figures, report, "heap (sampled)", report.sampled_heap);
    print_figure(figures, report, "RSS (sampled)", report.sampled_rss);
  }
  figures.print(out);

  out << "\n2. Which kind grows: " << report.kinds_summary << "\n";

  out << "\n3. Which heap and block size grew\n";
  Table heaps;
  heaps.add_column("heap", Table::Align::kLeft);
  for (const char* title : {"live first", "live last", "change", "blocks", "system last"})
    heaps.add_column(title);
  for (const HeapGrowth& h : report.heaps)
    heaps.add_row({h.heap, format_bytes(h.first.bytes), format_bytes(h.last.bytes),
                   format_bytes_signed(static_cast<int64_t>(h.last.bytes - h.first.bytes)),
                   format_count_signed(static_cast<int64_t>(h.last.blocks - h.first.blocks)),
                   h.system_known ? format_bytes(h.system_last) : ""});
  heaps.print(out);
  Table sizes;
  for (const char* title : {"size", "blocks first", "blocks last", "change", "bytes change"})
    sizes.add_column(title);
  for (const SizeGrowth& s : report.sizes)
    sizes.add_row({std::to_string(s.size), std::to_string(s.first.blocks),
                   std::to_string(s.last.blocks),
                   format_count_signed(static_cast<int64_t>(s.last.blocks - s.first.blocks)),
                   format_bytes_signed(static_cast<int64_t>(s.last.bytes - s.first.bytes))});
  out << "\n";
  sizes.print(out);

  out << "\n4. Call sites (" << report.growing_sites << " growing, top " << report.suspects.size()
      << " listed)\n";
  Table sites;
  for (const char* title : {"#", "kind", "leak?", "growth", "blocks", "rate", "grew", "at end",
                            "survive", "oldest", "share"})
    sites.add_column(title);
  sites.add_column("site", Table::Align::kLeft);
  for (const Suspect& s : report.suspects) {
    const SiteTrend& t = s.trend;
    sites.add_row(
        {std::to_string(s.rank), std::string(site_kind_name(t.kind)),
         s.judgement.likely_leak ? "LIKELY" : "no", format_bytes_signed(as_int(t.bytes.growth)),
         format_count_signed(as_int(t.blocks.growth)), rate(report, t.bytes.slope_per_s * 60),
         std::to_string(t.bytes.intervals_grew) + "/" + std::to_string(t.bytes.intervals),
         t.bytes.still_growing ? "growing" : "flat",
         t.survival >= 0 ? format_percent(std::min(1.0, t.survival)) : "-",
         t.has_ages ? format_duration(t.oldest_age_s) : "-", format_percent(t.share),
         site_name(s.frames)});
  }
  sites.print(out);

  out << "\n5. Suspects\n";
  for (const Suspect& s : report.suspects) {
    if (s.rank > 5) break;
    out << "#" << s.rank << " " << (s.judgement.likely_leak ? "LIKELY LEAK" : "not a leak") << ", "
        << site_kind_name(s.trend.kind) << ", " << format_bytes(s.live_bytes) << " live in "
        << s.live_blocks << " blocks: " << s.judgement.reason << "\n";
    print_stack(out, s.frames, true);
  }

  if (report.has_exit) {
    out << "\nAt exit (after static destructors), never freed: "
        << format_bytes(report.exit_heap.bytes) << " in " << report.exit_heap.blocks
        << " heap blocks, " << format_bytes(report.exit_mmap.bytes) << " in "
        << report.exit_mmap.blocks << " mmap regions\n";
    Table exits;
    for (const char* title : {"kind", "bytes", "blocks"}) exits.add_column(title);
    exits.add_column("site", Table::Align::kLeft);
    for (const ExitSite& e : report.exit_sites) {
      if (exits.rows() == 10) break;
      exits.add_row({std::string(site_kind_name(e.kind)), format_bytes(e.live.bytes),
                     std::to_string(e.live.blocks), site_name(e.frames)});
    }
    exits.print(out);
  }
  for (const std::string& note : report.notes) out << "note: " << note << "\n";
}

json analyze_to_json(const AnalyzeReport& report) {
  json snapshots = json::array();
  for (const SnapshotInfo& s : report.snapshots)
    snapshots.push_back({{"path", s.path},
                         {"sequence", s.sequence},
                         {"trigger", std::string(trigger_name(s.trigger))},
                         {"pid", s.pid},
                         {"time_s", s.time_s},
                         {"in_series", s.in_series},
                         {"private_bytes", s.has_process ? json(s.private_bytes) : json(nullptr)},
                         {"rss_bytes", s.has_process ? json(s.rss_bytes) : json(nullptr)},
                         {"heap_bytes", s.heap.bytes},
                         {"heap_blocks", s.heap.blocks},
                         {"mmap_bytes", s.mmap.bytes},
                         {"mmap_regions", s.mmap.blocks}});

  json heaps = json::array();
  for (const HeapGrowth& h : report.heaps)
    heaps.push_back({{"heap", h.heap},
                     {"old_bytes", h.first.bytes},
                     {"new_bytes", h.last.bytes},
                     {"growth_bytes", static_cast<int64_t>(h.last.bytes - h.first.bytes)},
                     {"old_blocks", h.first.blocks},
                     {"new_blocks", h.last.blocks},
                     {"growth_blocks", static_cast<int64_t>(h.last.blocks - h.first.blocks)},
                     {"system_bytes", h.system_known ? json(h.system_last) : json(nullptr)}});
  json sizes = json::array();
  for (const SizeGrowth& s : report.sizes)
    sizes.push_back({{"size", s.size},
                     {"old_blocks", s.first.blocks},
                     {"new_blocks", s.last.blocks},
                     {"growth_blocks", static_cast<int64_t>(s.last.blocks - s.first.blocks)},
                     {"growth_bytes", static_cast<int64_t>(s.last.bytes - s.first.bytes)}});

  json suspects = json::array();
  for (const Suspect& s : report.suspects) {
    const SiteTrend& t = s.trend;
    json ages = nullptr;
    if (t.has_ages)
      ages = {
          {"oldest_s", t.oldest_age_s}, {"youngest_s", t.youngest_age_s}, {"mean_s", t.mean_age_s}};
    suspects.push_back(
        {{"rank", s.rank},
         {"kind", std::string(site_kind_name(t.kind))},
         {"likely_leak", s.judgement.likely_leak},
         {"growth_bytes", as_int(t.bytes.growth)},
         {"growth_blocks", as_int(t.blocks.growth)},
         {"bytes_per_minute", as_int(t.bytes.slope_per_s * 60)},
         {"reason", s.judgement.reason},
         {"live_bytes", s.live_bytes},
         {"live_blocks", s.live_blocks},
         {"intervals", t.bytes.intervals},
         {"intervals_grew", t.bytes.intervals_grew},
         {"still_growing", t.bytes.still_growing},
         {"late_growth_bytes", as_int(t.bytes.late_growth)},
         {"peak_bytes", as_int(t.bytes.peak)},
         {"survival", t.survival >= 0 ? json(std::min(1.0, t.survival)) : json(nullptr)},
         {"age", ages},
         {"share", t.share},
         {"exit_bytes", t.exit_known ? json(t.exit_bytes) : json(nullptr)},
         {"exit_blocks", t.exit_known ? json(t.exit_blocks) : json(nullptr)},
         {"bytes_trend", trend_json(t.bytes)},
         {"blocks_trend", trend_json(t.blocks)},
         {"site", site_frame_json(s.frames)},
         {"frames", frames_to_json(s.frames)}});
  }

  json exit = nullptr;
  if (report.has_exit) {
    json sites = json::array();
    for (const ExitSite& e : report.exit_sites)
      sites.push_back({{"kind", std::string(site_kind_name(e.kind))},
                       {"bytes", e.live.bytes},
                       {"blocks", e.live.blocks},
                       {"site", site_frame_json(e.frames)},
                       {"frames", frames_to_json(e.frames)}});
    exit = {{"heap_bytes", report.exit_heap.bytes},
            {"heap_blocks", report.exit_heap.blocks},
            {"mmap_bytes", report.exit_mmap.bytes},
            {"mmap_regions", report.exit_mmap.blocks},
            {"sites", sites}};
  }

  return {
      {"verdict", {{"leaking", report.leaking}, {"summary", report.verdict}}},
      {"suspects", suspects},
      {"snapshots", snapshots},
      {"runs", report.runs},
      {"series_points", report.series_points},
      {"has_times", report.has_times},
      {"duration_s", report.duration_s},
      {"memory",
       {{"private", figure_json(report.private_bytes)},
        {"rss", figure_json(report.rss)},
        {"heap", figure_json(report.heap)},
        {"mmap", figure_json(report.mmap)},
        {"samples", report.samples},
        {"sampled_heap", figure_json(report.sampled_heap)},
        {"sampled_rss", figure_json(report.sampled_rss)},
        {"sampled_private", figure_json(report.sampled_private)}}},
      {"kinds",
       {{"private_growth",
         report.private_bytes.known ? json(report.private_bytes.growth) : json(nullptr)},
        {"heap_growth", report.heap.growth},
        {"mmap_growth", report.mmap.known ? json(report.mmap.growth) : json(nullptr)},
        {"other_growth", report.private_bytes.known ? json(report.other_growth) : json(nullptr)},
        {"explained_fraction",
         report.explained_fraction >= 0 ? json(report.explained_fraction) : json(nullptr)},
        {"summary", report.kinds_summary}}},
      {"heaps", heaps},
      {"sizes", sizes},
      {"growing_sites", report.growing_sites},
      {"exit", exit},
      {"notes", report.notes},
      {"warnings", report.warnings}};
}

}  // namespace leakdbg::analysis
