#include "analysis/analyze_render.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "analysis/site_text.h"
#include "analysis/suspect_text.h"
#include "model/heap_model.h"
#include "symbolize/frame_render.h"
#include "util/table.h"
#include "util/units.h"

namespace leakdbg::analysis {

namespace {

using nlohmann::json;

int64_t as_int(double v) { return static_cast<int64_t>(std::llround(v)); }

// "1 snapshot", "3 snapshots".
std::string count_of(uint64_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

// "read_defaults(...) at config_parser.cpp:57 in libplugin.so"
std::string site_place(const std::vector<SymbolicFrame>& frames, const SiteLabel& label) {
  const SymbolicFrame* frame = site_frame_of(frames, label);
  if (!frame) return "an unknown site (no stack recorded)";
  std::string text = frame->function.empty() ? frame_to_text(*frame) : function_text(*frame);
  if (!frame->file.empty())
    text += " at " + source_file_name(frame->file) + ":" + std::to_string(frame->line);
  if (!frame->module.empty()) text += " in " + frame->module;
  return text;
}

StateNoun noun_of(const AnalyzeReport& report) { return state_noun_of(report.source_kind); }

// "snapshot", "dump" or "log", plural when n is not 1.
std::string states_of(const AnalyzeReport& report, uint64_t n) {
  std::string noun(noun_text(noun_of(report)));
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string duration_text(const AnalyzeReport& report) {
  return report.has_times ? " over " + format_duration(report.duration_s)
                          : " over " + states_of(report, report.series_points);
}

// The site's name alone, for sentences: "LeakHeapMemory".
std::string site_name(const Suspect& s) {
  const SymbolicFrame* frame = site_frame_of(s.frames, s.site);
  if (!frame) return "";
  return frame->function.empty() ? frame_to_text(*frame) : function_text(*frame);
}

// What the per-state rate reads as without times: "per dump", "per log".
std::string per_state(const AnalyzeReport& report) {
  return report.has_times ? "/min" : "/" + std::string(noun_text(noun_of(report)));
}

// "00c40000 committed 2.0 MiB -> 8.0 MiB (+6.0 MiB over 3 dumps, +3.0 MiB per dump)"
std::string heap_commit_text(const AnalyzeReport& report, const HeapGrowth& h) {
  const SeriesTrend& c = h.committed;
  std::string rate = report.has_times
                         ? format_bytes_signed(as_int(c.slope_per_s * 60)) + "/min"
                         : format_bytes_signed(as_int(
                               c.growth / std::max<double>(1, static_cast<double>(c.intervals)))) +
                               " per " + std::string(noun_text(noun_of(report)));
  return "heap " + h.heap + " committed " + format_bytes(static_cast<uint64_t>(c.first)) + " -> " +
         format_bytes(static_cast<uint64_t>(c.last)) + " (" +
         format_bytes_signed(as_int(c.growth)) + " over " + states_of(report, c.points) + ", " +
         rate + ")";
}

// Why a heap is (or is not) a suspect, in words.
std::string heap_reason_text(const AnalyzeReport& report, const HeapSuspect& s) {
  const SeriesTrend& c = s.heap.committed;
  std::string noun(noun_text(noun_of(report)));
  std::string reserve = s.heap.reserved_last == s.heap.reserved_first
                            ? "reserve unchanged at " + format_bytes(s.heap.reserved_last)
                            : "reserve " + format_bytes(s.heap.reserved_first) + " -> " +
                                  format_bytes(s.heap.reserved_last);
  std::string blocks = "; the " + noun + "s list no blocks of this heap (`!heap -stat -h " +
                       s.heap.heap + "` in each " + noun + " shows which sizes grow)";
  switch (s.judgement.reason) {
    case ReasonCode::kCommitGrowing:
      return "committed memory grew in " + std::to_string(c.intervals_grew) + " of " +
             std::to_string(c.intervals) + " intervals and still grew at the end; " + reserve +
             blocks;
    case ReasonCode::kTwoSnapshots:
      return s.judgement.verdict_class == VerdictClass::kTwoStateGrowth
                 ? two_states_text(c.growth, std::nullopt, "", noun_of(report)) + "; " + reserve +
                       blocks
                 : "committed " + format_bytes_signed(as_int(c.growth)) + " between the only two " +
                       noun + "s, too little to suspect";
    case ReasonCode::kPeakedThenFell:
    case ReasonCode::kFellBack:
      return "committed memory peaked at " + format_bytes(static_cast<uint64_t>(c.peak)) +
             " and fell back to " + format_bytes(static_cast<uint64_t>(c.last)) +
             ": the heap gave its memory back";
    case ReasonCode::kWarmedUp:
      return "committed memory grew, then stayed flat over the last " + noun +
             "s: the heap warmed up";
    case ReasonCode::kOccasionalGrowth:
      return "committed memory grew in only " + std::to_string(c.intervals_grew) + " of " +
             std::to_string(c.intervals) + " intervals";
    case ReasonCode::kTooSmall:
      return "committed memory grows steadily but only by " +
             format_bytes_signed(as_int(c.growth)) + ": heap manager movement, not a leak";
    default:
      break;
  }
  return "committed " + format_bytes_signed(as_int(c.growth));
}

// "grows +1.2 MiB/min (+3.4 MiB, +1,200 blocks over 2.8 s)"
std::string growth_of(const AnalyzeReport& report, const Suspect& top, const char* verb) {
  std::string duration = duration_text(report);
  const SeriesTrend& bytes = top.trend.bytes;
  std::string rate =
      report.has_times
          ? format_bytes_signed(static_cast<int64_t>(bytes.slope_per_s * 60)) + "/min"
          : format_bytes_signed(static_cast<int64_t>(
                bytes.growth / std::max<double>(1, static_cast<double>(bytes.intervals)))) +
                " per " + std::string(noun_text(noun_of(report)));
  return std::string(verb) + " " + rate + " (" +
         format_bytes_signed(static_cast<int64_t>(top.trend.bytes.growth)) + ", " +
         format_count_signed(static_cast<int64_t>(top.trend.blocks.growth)) + " blocks" + duration +
         ")";
}

std::string_view verdict_kind_name(VerdictKind kind) {
  switch (kind) {
    case VerdictKind::kLeak:
      return "leak";
    case VerdictKind::kHeldUntilExit:
      return "held_until_exit";
    case VerdictKind::kTwoStateGrowth:
      return "two_state_growth";
    case VerdictKind::kNoLeak:
      return "no_leak";
    case VerdictKind::kOneSnapshot:
      return "one_snapshot";
  }
  return "no_leak";
}

std::string_view note_code_name(NoteCode note) {
  switch (note) {
    case NoteCode::kNoTimes:
      return "no_times";
    case NoteCode::kOneSnapshot:
      return "one_snapshot";
    case NoteCode::kTwoSnapshots:
      return "two_snapshots";
    case NoteCode::kTeardownLeftOut:
      return "teardown_left_out";
    case NoteCode::kTrackerSubtracted:
      return "tracker_subtracted";
  }
  return "";
}

const char* at_end_word(const SeriesTrend& t) {
  if (t.still_growing) return "growing";
  return t.late_growth < 0 ? "falling" : "flat";
}

std::string rate(const AnalyzeReport& report, double per_minute) {
  return format_bytes_signed(as_int(per_minute)) + per_state(report);
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

std::string percent_of(int64_t part, int64_t whole) {
  return " (" + format_percent(static_cast<double>(part) / static_cast<double>(whole)) + ")";
}

const char* suspect_title(const Judgement& j) {
  if (j.likely_leak) return "LIKELY LEAK";
  switch (j.verdict_class) {
    case VerdictClass::kHeldUntilExit:
      return "GROWTH HELD UNTIL EXIT";
    case VerdictClass::kTwoStateGrowth:
      return "SUSPECT (two states)";
    default:
      return "not a leak";
  }
}

// A change of block counts, or "-" where the text gives no counts for the old state.
std::string blocks_change(const AnalyzeReport& report, const NumberStyle& style, double change) {
  return report.block_counts_known ? style.count_change(as_int(change)) : std::string("-");
}

}  // namespace

std::string kinds_text(const AnalyzeReport& report) {
  std::string text;
  if (report.private_bytes.known) {
    int64_t priv = report.private_bytes.growth;
    text = "private " + format_bytes_signed(priv) + ", heap " +
           format_bytes_signed(report.heap.growth);
    if (priv > 0) text += percent_of(report.heap.growth, priv);
    if (report.mmap.known) {
      text += ", mmap " + format_bytes_signed(report.mmap.growth);
      if (priv > 0) text += percent_of(report.mmap.growth, priv);
    }
    text += ", other " + format_bytes_signed(report.other_growth);
    if (report.tracker.known)
      text += "; the tracker's own memory " + format_bytes_signed(report.tracker.growth) +
              " is not counted";
    return text;
  }
  text = "heap " + format_bytes_signed(report.heap.growth);
  if (report.mmap.known) text += ", mmap " + format_bytes_signed(report.mmap.growth);
  return text + " (no process figures recorded: private bytes unknown)";
}

namespace {

// {"root": {"kind", "module", "symbol", "thread", "thread_name"}, "container": frame, ...}
json held_by_json(const HeldBy& h) {
  const HolderRoot& r = h.root;
  json root = {{"kind", std::string(referrer_kind_name(r.kind))}};
  if (r.kind == ReferrerKind::kMemory) {
    root["module"] = r.module.empty() ? json(nullptr) : json(r.module);
    root["symbol"] = r.symbol.empty() ? json(nullptr) : json(r.symbol);
  } else {
    root["thread"] = r.tid;
    root["thread_name"] = r.thread_name;
  }
  json out = {
      {"root", root},
      {"container",
       h.has_container ? site_json(h.container_frames, h.container_site) : json(nullptr)},
      {"container_kind",
       h.has_container ? json(std::string(site_kind_name(h.container_kind))) : json(nullptr)},
      {"blocks", h.blocks},
      {"bytes", h.bytes},
      {"reachable_blocks", h.reachable_blocks},
      {"text", held_by_text(h)}};
  return out;
}

json total_json(const LiveTotal& t) { return {{"blocks", t.blocks}, {"bytes", t.bytes}}; }

bool lost(const Suspect& s) {
  return s.trend.reachability && s.trend.reachability->lost_blocks() > 0;
}

}  // namespace

std::string verdict_text(const AnalyzeReport& report) {
  const Suspect* top = report.suspects.empty() ? nullptr : &report.suspects.front();
  const HeapSuspect* top_heap =
      report.heap_suspects.empty() ? nullptr : &report.heap_suspects.front();
  bool heap_first =
      top_heap && (!top || top_heap->judgement.verdict_class < top->judgement.verdict_class ||
                   (top_heap->judgement.verdict_class == top->judgement.verdict_class &&
                    top_heap->heap.committed.growth > top->trend.bytes.growth));
  switch (report.verdict) {
    case VerdictKind::kLeak:
      if (heap_first)
        return "LEAK: " + count_of(report.likely_leaks, "likely leak", "likely leaks") +
               "; the largest, " + heap_commit_text(report, top_heap->heap);
      if (lost(*top))
        return "LEAK: " + count_of(report.likely_leaks, "likely leak", "likely leaks") +
               "; first, " + std::string(site_kind_name(top->trend.kind)) + " memory from " +
               site_place(top->frames, top->site) + ": " +
               lost_text(*top->trend.reachability, top->trend.kind) +
               (top->trend.bytes.points >= 2 && top->trend.bytes.growth > 0
                    ? ", " + growth_of(report, *top, "grows")
                    : "");
      return "LEAK: " + count_of(report.likely_leaks, "likely leak", "likely leaks") +
             "; the largest, " + std::string(site_kind_name(top->trend.kind)) + " memory from " +
             site_place(top->frames, top->site) + ", " + growth_of(report, *top, "grows");
    case VerdictKind::kHeldUntilExit:
      return "GROWTH HELD UNTIL EXIT: " +
             count_of(report.held_until_exit, "site grew", "sites grew") +
             " through the whole run and " + (report.held_until_exit == 1 ? "was" : "were") +
             " freed only at teardown (a leak in a service, expected in a job that builds a "
             "result); the largest, " +
             std::string(site_kind_name(top->trend.kind)) + " memory from " +
             site_place(top->frames, top->site) + ", " + growth_of(report, *top, "grew");
    case VerdictKind::kTwoStateGrowth:
      if (heap_first)
        return "SUSPECT: heap " + top_heap->heap.heap + " " +
               two_states_text(top_heap->heap.committed.growth, std::nullopt, "", noun_of(report)) +
               " (committed " +
               format_bytes(static_cast<uint64_t>(top_heap->heap.committed.first)) + " -> " +
               format_bytes(static_cast<uint64_t>(top_heap->heap.committed.last)) + ")";
      return "SUSPECT: " +
             two_states_text(top->trend.bytes.growth,
                             report.block_counts_known && top->trend.blocks.growth > 0
                                 ? std::optional<uint64_t>(as_int(top->trend.blocks.growth))
                                 : std::nullopt,
                             site_name(*top), noun_of(report));
    case VerdictKind::kOneSnapshot:
      return "cannot tell from one " + std::string(noun_text(noun_of(report))) +
             " whether memory grows; listing what is live";
    case VerdictKind::kNoLeak:
      break;
  }
  std::string memory = report.private_bytes.known
                           ? "private memory " + format_bytes_signed(report.private_bytes.growth)
                           : "heap " + format_bytes_signed(report.heap.growth);
  std::string text = "no likely leak: " + memory + duration_text(report);
  if (top)
    text += "; largest growth " +
            format_bytes_signed(static_cast<int64_t>(top->trend.bytes.growth)) + " from " +
            site_place(top->frames, top->site) + " (" +
            reason_text(top->trend, top->judgement, report.has_times, noun_of(report),
                        report.block_counts_known) +
            ")";
  return text;
}

std::string note_text(const AnalyzeReport& report, NoteCode note) {
  switch (note) {
    case NoteCode::kNoTimes:
      return "the " + std::string(noun_text(noun_of(report))) + "s carry no times: rates are per " +
             std::string(noun_text(noun_of(report)));
    case NoteCode::kOneSnapshot:
      return "only one snapshot: trends, growth rates and leak likelihood need two or more "
             "snapshots taken over time (leakdbg run --interval S); what is live is listed, "
             "largest first" +
             std::string(report.has_exit ? ", and the exit snapshot shows what was never freed"
                                         : "");
    case NoteCode::kTwoSnapshots:
      return "two " + std::string(noun_text(noun_of(report))) +
             "s show growth but not its shape; three or more tell a leak from a cache that "
             "fills up";
    case NoteCode::kTeardownLeftOut:
      return "the last " + count_of(report.teardown.points, "snapshot", "snapshots") + " (from " +
             format_duration(report.teardown.start_s) +
             ") caught the program tearing down: tracked memory fell from " +
             format_bytes(report.teardown.peak_bytes) + " to " +
             format_bytes(report.teardown.end_bytes) + " as " +
             count_of(report.teardown.falling_sites, "site", "sites") +
             " freed together before exit; trends cover the running phase before it";
    case NoteCode::kTrackerSubtracted:
      return "private and RSS exclude what the tracker's own memory grew by (the tracker row "
             "shows its size)";
  }
  return "";
}

void print_analyze_text(std::ostream& out, const AnalyzeReport& report, const NumberStyle& style) {
  out << "Verdict: " << verdict_text(report) << "\n";
  auto headline = [&](const Judgement& j) {
    return j.likely_leak ||
           (report.verdict == VerdictKind::kHeldUntilExit &&
            j.verdict_class == VerdictClass::kHeldUntilExit) ||
           (report.verdict == VerdictKind::kTwoStateGrowth &&
            j.verdict_class == VerdictClass::kTwoStateGrowth);
  };
  size_t shown = 0;
  for (const HeapSuspect& h : report.heap_suspects) {
    if (!headline(h.judgement) || shown == 3) continue;
    ++shown;
    out << "  " << heap_commit_text(report, h.heap) << "\n";
  }
  for (const Suspect& s : report.suspects) {
    if (!headline(s.judgement) || shown == 3) continue;
    ++shown;
    out << "  #" << s.rank << " " << site_kind_name(s.trend.kind) << " "
        << site_text(s.frames, s.site) << ": ";
    if (lost(s)) out << lost_text(*s.trend.reachability, s.trend.kind) << "; ";
    out << style.bytes_change(as_int(s.trend.bytes.growth)) << " ("
        << blocks_change(report, style, s.trend.blocks.growth) << " blocks), "
        << rate(report, s.trend.bytes.slope_per_s * 60);
    if (!lost(s) && s.trend.reachability && s.trend.reachability->held_by)
      out << ", held by " << held_by_text(*s.trend.reachability->held_by);
    out << "\n";
  }
  for (const std::string& w : report.warnings) out << "warning: " << w << "\n";
  out << "\n";

  out << "1. Memory trend: " << states_of(report, report.snapshots.size()) << " of "
      << (report.runs > 1 ? std::to_string(report.runs) + " runs"
          : report.pid == 0 && report.executable.empty()
              ? std::string("imported text")
              : "pid " + std::to_string(report.pid) + " " + report.executable)
      << ", " << report.series_points << " used for trends";
  if (report.has_times) out << " over " << format_duration(report.duration_s);
  if (report.teardown.detected)
    out << " (" << count_of(report.teardown.points, "teardown snapshot", "teardown snapshots")
        << " left out)";
  out << "\n";
  Table figures;
  figures.add_column("", Table::Align::kLeft);
  for (const char* title : {"first", "last", "peak", "change", "rate"}) figures.add_column(title);
  print_figure(figures, report, "private", report.private_bytes);
  print_figure(figures, report, "RSS", report.rss);
  print_figure(figures, report, "heap", report.heap);
  print_figure(figures, report, "mmap", report.mmap);
  print_figure(figures, report, "tracker", report.tracker);
  if (report.samples > 1) {
    print_figure(figures, report, "heap (sampled)", report.sampled_heap);
    print_figure(figures, report, "RSS (sampled)", report.sampled_rss);
  }
  figures.print(out);

  out << "\n2. Which kind grows: " << kinds_text(report) << "\n";

  if (!report.heaps.empty() || !report.sizes.empty()) {
    out << "\n3. Which heap and block size grew\n";
    Table heaps;
    heaps.add_column("heap", Table::Align::kLeft);
    for (const char* title : {"live first", "live last", "change", "blocks", "committed first",
                              "committed last", "commit change", "reserved last"})
      heaps.add_column(title);
    for (const HeapGrowth& h : report.heaps) {
      auto figure = [&](double v) {
        return h.figures_known ? style.bytes(static_cast<uint64_t>(v)) : std::string("-");
      };
      // A heap whose blocks the source does not list (`!heap -s`) has no live figures.
      auto live = [&](std::string text) { return h.has_blocks ? text : std::string("-"); };
      heaps.add_row({h.heap, live(style.bytes(h.first.bytes)), live(style.bytes(h.last.bytes)),
                     live(style.bytes_change(static_cast<int64_t>(h.last.bytes - h.first.bytes))),
                     live(blocks_change(report, style,
                                        static_cast<double>(
                                            static_cast<int64_t>(h.last.blocks - h.first.blocks)))),
                     figure(h.committed.first), figure(h.committed.last),
                     h.figures_known ? style.bytes_change(as_int(h.committed.growth)) : "-",
                     figure(static_cast<double>(h.reserved_last))});
    }
    if (!report.heaps.empty()) heaps.print(out);
    Table sizes;
    for (const char* title : {"size", "blocks first", "blocks last", "change", "bytes change"})
      sizes.add_column(title);
    for (const SizeGrowth& s : report.sizes)
      sizes.add_row({style.size(s.size), style.count(s.first.blocks), style.count(s.last.blocks),
                     style.count_change(static_cast<int64_t>(s.last.blocks - s.first.blocks)),
                     style.bytes_change(static_cast<int64_t>(s.last.bytes - s.first.bytes))});
    if (!report.sizes.empty()) {
      if (!report.heaps.empty()) out << "\n";
      sizes.print(out);
    }
  }

  if (!report.suspects.empty()) {
    out << "\n4. Call sites (";
    if (report.series_points < 2)
      out << "live at the only snapshot";
    else
      out << report.growing_sites << " growing";
    out << ", top " << report.suspects.size() << " listed)\n";
    // With classes, a column of the blocks no pointer reaches any more.
    const bool classified = std::any_of(report.suspects.begin(), report.suspects.end(),
                                        [](const Suspect& s) { return s.trend.reachability; });
    Table sites;
    for (const char* title : {"#", "kind", "leak?", "growth", "blocks", "rate", "grew", "at end",
                              "survive", "oldest", "share"})
      sites.add_column(title);
    if (classified) sites.add_column("lost");
    sites.add_column("site", Table::Align::kLeft);
    for (const Suspect& s : report.suspects) {
      const SiteTrend& t = s.trend;
      std::vector<std::string> row = {
          std::to_string(s.rank),
          std::string(site_kind_name(t.kind)),
          std::string(verdict_class_word(s.judgement.verdict_class)),
          style.bytes_change(as_int(t.bytes.growth)),
          blocks_change(report, style, t.blocks.growth),
          rate(report, t.bytes.slope_per_s * 60),
          std::to_string(t.bytes.intervals_grew) + "/" + std::to_string(t.bytes.intervals),
          at_end_word(t.bytes),
          t.survival >= 0 ? format_percent(std::min(1.0, t.survival)) : "-",
          t.has_ages ? format_duration(t.oldest_age_s) : "-",
          format_percent(t.share)};
      if (classified)
        row.push_back(t.reachability && t.kind == SiteKind::kHeap
                          ? std::to_string(t.reachability->lost_blocks())
                          : "-");
      row.push_back(site_text(s.frames, s.site));
      sites.add_row(row);
    }
    sites.print(out);

    out << "\n5. Suspects\n";
    for (const Suspect& s : report.suspects) {
      if (s.rank > 5) break;
      out << "#" << s.rank << " " << suspect_title(s.judgement) << ", "
          << site_kind_name(s.trend.kind) << ", " << style.bytes(s.live_bytes) << " live";
      if (report.block_counts_known)
        out << " in "
            << (s.trend.kind == SiteKind::kMmap
                    ? count_of(s.live_blocks, "mmap region", "mmap regions")
                    : count_of(s.live_blocks, "block", "blocks"));
      out << ": "
          << reason_text(s.trend, s.judgement, report.has_times, noun_of(report),
                         report.block_counts_known)
          << "\n";
      print_stack(out, s.frames, true);
    }
  }

  if (!report.heap_suspects.empty()) {
    out << "\n6. Heaps whose committed memory grew (no blocks listed)\n";
    for (const HeapSuspect& h : report.heap_suspects)
      out << "heap #" << h.rank << " " << suspect_title(h.judgement) << ", "
          << heap_commit_text(report, h.heap) << ": " << heap_reason_text(report, h) << "\n";
  }

  if (report.has_exit) {
    out << "\nAt exit (after static destructors), never freed: "
        << format_bytes(report.exit_heap.bytes) << " in "
        << count_of(report.exit_heap.blocks, "heap block", "heap blocks") << ", "
        << format_bytes(report.exit_mmap.bytes) << " in "
        << count_of(report.exit_mmap.blocks, "mmap region", "mmap regions") << "\n";
    if (report.exit_classified) {
      const LiveTotal reachable = {report.exit_heap.blocks - report.exit_unreachable.blocks -
                                       report.exit_indirect.blocks - report.exit_possibly.blocks,
                                   report.exit_heap.bytes - report.exit_unreachable.bytes -
                                       report.exit_indirect.bytes - report.exit_possibly.bytes};
      auto part = [](const LiveTotal& t) {
        return format_bytes(t.bytes) + " in " + count_of(t.blocks, "block", "blocks");
      };
      out << "  heap blocks by reachability: unreachable (definitely lost) "
          << part(report.exit_unreachable) << ", indirect (lost behind them) "
          << part(report.exit_indirect) << ", possibly lost " << part(report.exit_possibly)
          << ", still reachable " << part(reachable) << "\n";
      if (report.exit_regions_classified && report.exit_mmap.blocks) {
        auto regions = [](const LiveTotal& t) {
          return format_bytes(t.bytes) + " in " + count_of(t.blocks, "region", "regions");
        };
        // Shared and file-backed regions have no class: not among the reachable.
        out << "  mmap regions by reachability: unreachable "
            << regions(report.exit_region_unreachable) << ", indirect "
            << regions(report.exit_region_indirect) << ", possibly "
            << regions(report.exit_region_possibly) << "\n";
      }
    }
    Table exits;
    for (const char* title : {"kind", "bytes", "blocks"}) exits.add_column(title);
    if (report.exit_classified)
      for (const char* title : {"unreachable", "indirect", "possibly", "reachable"})
        exits.add_column(title);
    exits.add_column("site", Table::Align::kLeft);
    for (const ExitSite& e : report.exit_sites) {
      if (exits.rows() == 10) break;
      std::vector<std::string> row = {std::string(site_kind_name(e.kind)),
                                      format_bytes(e.live.bytes), std::to_string(e.live.blocks)};
      if (report.exit_classified) {
        const bool classes = e.kind == SiteKind::kHeap || report.exit_regions_classified;
        for (uint64_t n : {e.unreachable.blocks, e.indirect.blocks, e.possibly.blocks,
                           e.live.blocks - e.unreachable.blocks - e.indirect.blocks -
                               e.possibly.blocks - e.unclassified.blocks})
          row.push_back(classes ? std::to_string(n) : "-");
      }
      row.push_back(site_text(e.frames, e.site));
      exits.add_row(row);
    }
    if (!report.exit_sites.empty()) exits.print(out);
  }
  for (NoteCode note : report.notes) out << "note: " << note_text(report, note) << "\n";
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
                         {"in_teardown", s.in_teardown},
                         {"tracker_bytes", s.tracker_bytes ? json(s.tracker_bytes) : json(nullptr)},
                         {"private_bytes", s.has_process ? json(s.private_bytes) : json(nullptr)},
                         {"rss_bytes", s.has_process ? json(s.rss_bytes) : json(nullptr)},
                         {"heap_bytes", s.heap.bytes},
                         {"heap_blocks", s.heap.blocks},
                         {"mmap_bytes", s.mmap.bytes},
                         {"mmap_regions", s.mmap.blocks}});

  auto blocks_or_null = [&](double change) {
    return report.block_counts_known ? json(as_int(change)) : json(nullptr);
  };
  json heaps = json::array();
  for (const HeapGrowth& h : report.heaps) {
    auto known = [&](json value) { return h.figures_known ? value : json(nullptr); };
    heaps.push_back({{"heap", h.heap},
                     {"old_bytes", h.first.bytes},
                     {"new_bytes", h.last.bytes},
                     {"growth_bytes", static_cast<int64_t>(h.last.bytes - h.first.bytes)},
                     {"old_blocks", h.first.blocks},
                     {"new_blocks", h.last.blocks},
                     {"growth_blocks", blocks_or_null(static_cast<double>(
                                           static_cast<int64_t>(h.last.blocks - h.first.blocks)))},
                     {"has_blocks", h.has_blocks},
                     {"system_bytes", known(as_int(h.committed.last))},
                     {"committed_first", known(as_int(h.committed.first))},
                     {"committed_last", known(as_int(h.committed.last))},
                     {"commit_growth", known(as_int(h.committed.growth))},
                     {"reserved_first", known(h.reserved_first)},
                     {"reserved_last", known(h.reserved_last)},
                     {"reserve_growth", known(static_cast<int64_t>(h.reserved_last) -
                                              static_cast<int64_t>(h.reserved_first))},
                     {"commit_trend", known(trend_json(h.committed))}});
  }
  json heap_suspects = json::array();
  for (const HeapSuspect& h : report.heap_suspects)
    heap_suspects.push_back(
        {{"rank", h.rank},
         {"kind", "heap_commit"},
         {"heap", h.heap.heap},
         {"likely_leak", h.judgement.likely_leak},
         {"verdict_class", std::string(verdict_class_name(h.judgement.verdict_class))},
         {"reason_code", std::string(reason_code_name(h.judgement.reason))},
         {"reason", heap_reason_text(report, h)},
         {"growth_bytes", as_int(h.heap.committed.growth)},
         {"committed_first", as_int(h.heap.committed.first)},
         {"committed_last", as_int(h.heap.committed.last)},
         {"reserved_first", h.heap.reserved_first},
         {"reserved_last", h.heap.reserved_last},
         {"states", h.heap.committed.points},
         {"bytes_per_minute",
          report.has_times ? json(as_int(h.heap.committed.slope_per_s * 60)) : json(nullptr)},
         {"commit_trend", trend_json(h.heap.committed)}});
  json sizes = json::array();
  for (const SizeGrowth& s : report.sizes)
    sizes.push_back({{"size", s.size},
                     {"old_blocks", s.first.blocks},
                     {"new_blocks", s.last.blocks},
                     {"growth_blocks", blocks_or_null(static_cast<double>(
                                           static_cast<int64_t>(s.last.blocks - s.first.blocks)))},
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
         {"verdict_class", std::string(verdict_class_name(s.judgement.verdict_class))},
         {"reason_code", std::string(reason_code_name(s.judgement.reason))},
         {"growth_bytes", as_int(t.bytes.growth)},
         {"growth_blocks", blocks_or_null(t.blocks.growth)},
         {"bytes_per_minute", as_int(t.bytes.slope_per_s * 60)},
         {"reason", reason_text(t, s.judgement, report.has_times, noun_of(report),
                                report.block_counts_known)},
         {"live_bytes", s.live_bytes},
         {"live_blocks", report.block_counts_known ? json(s.live_blocks) : json(nullptr)},
         {"intervals", t.bytes.intervals},
         {"intervals_grew", t.bytes.intervals_grew},
         {"still_growing", t.bytes.still_growing},
         {"at_end", at_end_word(t.bytes)},
         {"teardown_bytes", t.teardown_seen ? json(as_int(t.teardown_bytes)) : json(nullptr)},
         {"unreachable_blocks",
          t.reachability ? json(t.reachability->unreachable_blocks) : json(nullptr)},
         {"unreachable_bytes",
          t.reachability ? json(t.reachability->unreachable_bytes) : json(nullptr)},
         {"indirect_blocks",
          t.reachability ? json(t.reachability->indirect_blocks) : json(nullptr)},
         {"indirect_bytes", t.reachability ? json(t.reachability->indirect_bytes) : json(nullptr)},
         {"possibly_blocks",
          t.reachability ? json(t.reachability->possibly_blocks) : json(nullptr)},
         {"possibly_bytes", t.reachability ? json(t.reachability->possibly_bytes) : json(nullptr)},
         {"held_by", t.reachability && t.reachability->held_by
                         ? held_by_json(*t.reachability->held_by)
                         : json(nullptr)},
         {"late_growth_bytes", as_int(t.bytes.late_growth)},
         {"peak_bytes", as_int(t.bytes.peak)},
         {"survival", t.survival >= 0 ? json(std::min(1.0, t.survival)) : json(nullptr)},
         {"age", ages},
         {"share", t.share},
         {"exit_bytes", t.exit_known ? json(t.exit_bytes) : json(nullptr)},
         {"exit_blocks", t.exit_known ? json(t.exit_blocks) : json(nullptr)},
         {"bytes_trend", trend_json(t.bytes)},
         {"blocks_trend", trend_json(t.blocks)},
         {"frames", frames_to_json(s.frames)}});
    add_site_fields(suspects.back(), s.frames, s.site);
  }

  json exit = nullptr;
  if (report.has_exit) {
    json sites = json::array();
    for (const ExitSite& e : report.exit_sites) {
      sites.push_back({{"kind", std::string(site_kind_name(e.kind))},
                       {"bytes", e.live.bytes},
                       {"blocks", e.live.blocks},
                       {"frames", frames_to_json(e.frames)}});
      if (report.exit_classified && (e.kind == SiteKind::kHeap || report.exit_regions_classified))
        sites.back()["classes"] = {{"unreachable", total_json(e.unreachable)},
                                   {"indirect", total_json(e.indirect)},
                                   {"possibly", total_json(e.possibly)}};
      add_site_fields(sites.back(), e.frames, e.site);
    }
    exit = {
        {"heap_bytes", report.exit_heap.bytes},
        {"heap_blocks", report.exit_heap.blocks},
        {"mmap_bytes", report.exit_mmap.bytes},
        {"mmap_regions", report.exit_mmap.blocks},
        {"classes", report.exit_classified
                        ? json{{"unreachable", total_json(report.exit_unreachable)},
                               {"indirect", total_json(report.exit_indirect)},
                               {"possibly", total_json(report.exit_possibly)}}
                        : json(nullptr)},
        {"region_classes", report.exit_regions_classified
                               ? json{{"unreachable", total_json(report.exit_region_unreachable)},
                                      {"indirect", total_json(report.exit_region_indirect)},
                                      {"possibly", total_json(report.exit_region_possibly)}}
                               : json(nullptr)},
        {"sites", sites}};
  }

  json notes = json::array(), note_codes = json::array();
  for (NoteCode note : report.notes) {
    notes.push_back(note_text(report, note));
    note_codes.push_back(std::string(note_code_name(note)));
  }

  return {
      {"verdict",
       {{"leaking", report.leaking},
        {"summary", verdict_text(report)},
        {"verdict_class", std::string(verdict_kind_name(report.verdict))},
        {"likely_leaks", report.likely_leaks},
        {"held_until_exit", report.held_until_exit},
        {"two_state_growth", report.two_state_growth}}},
      {"teardown",
       {{"detected", report.teardown.detected},
        {"points", report.teardown.points},
        {"start_s", report.teardown.detected ? json(report.teardown.start_s) : json(nullptr)},
        {"peak_bytes", report.teardown.peak_bytes},
        {"end_bytes", report.teardown.end_bytes},
        {"falling_sites", report.teardown.falling_sites}}},
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
        {"tracker", figure_json(report.tracker)},
        {"tracker_subtracted", report.tracker_subtracted},
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
        {"summary", kinds_text(report)}}},
      {"heaps", heaps},
      {"heap_suspects", heap_suspects},
      {"block_counts_known", report.block_counts_known},
      {"sizes", sizes},
      {"growing_sites", report.growing_sites},
      {"exit", exit},
      {"notes", notes},
      {"note_codes", note_codes},
      {"warnings", report.warnings}};
}

}  // namespace leakdbg::analysis
