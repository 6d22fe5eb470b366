// `leakdbg analyze`: the reference workflow done mechanically over a series of snapshots.
//   1. is the process's memory growing (private bytes, RSS);
//   2. which kind grows (heap, mmap regions, other) and how much of the private growth the
//      tracked heap and mmap explain;
//   3. which heap and which block size grew;
//   4. per call site: growth, slope, in how many intervals it grew, whether it still grows
//      at the end, ages of its live blocks, share of the growth;
//   5. ranked suspects with likely_leak, a verdict class and a reason code, and what the exit
//      snapshot never freed.
// Trends cover the running phase: snapshots taken while the program tore its data down at
// the end (many sites falling together just before the exit snapshot) are left out, so a
// verdict does not depend on where the interval boundaries fell. Process figures exclude
// the tracker's own memory. The report is data; analyze_render.h makes the words.
// Snapshots are streamed: each is digested and dropped before the next is read.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/analyze_digest.h"
#include "analysis/analyze_sites.h"
#include "analysis/suspect.h"
#include "analysis/trend.h"
#include "symbolize/symbolizer.h"

namespace leakdbg::analysis {

struct AnalyzeOptions {
  bool across_runs = false;  // allow snapshots of several processes, matched by symbols
  size_t max_suspects = 20;
  size_t max_rows = 10;  // sizes listed
  size_t max_exit_sites = 50;
  SymbolizerOptions symbolizer;
  FrameSourceFactory frames;  // empty: symbolizer_frames(symbolizer)
  SiteLabelOptions labels;    // --alloc-fn
  // Keep every site's live memory at every series point (AnalyzeReport::site_series), for
  // pictures of the whole heap rather than of the suspects only.
  bool keep_site_series = false;
  // Sees each model while it is loaded (before it is digested and dropped): for figures the
  // digest does not keep, such as the address space by memory type.
  std::function<void(const HeapModel&)> on_model;
};

struct SnapshotInfo {
  std::string path;
  uint64_t sequence = 0;
  Trigger trigger = Trigger::kUnknown;
  uint32_t pid = 0;
  double time_s = 0;
  bool in_series = false;    // used for trends (the exit snapshot is not, given two others)
  bool in_teardown = false;  // taken during teardown: left out of the trends
  bool has_process = false;
  uint64_t private_bytes = 0, rss_bytes = 0;  // as /proc gave them, the tracker included
  uint64_t tracker_bytes = 0;                 // the tracker's own memory, 0 if unknown
  LiveTotal heap, mmap;
};

// A process-wide figure over the series.
struct FigureTrend {
  bool known = false;
  uint64_t first = 0, last = 0, peak = 0;
  int64_t growth = 0;
  double per_minute = 0;
};

struct HeapGrowth {
  // "main arena", "arena 1", "mmapped chunks", "unknown heap", or the name the source gives
  // (a Windows heap handle as WinDbg prints it: "00c40000").
  std::string heap;
  LiveTotal first, last;
  bool has_blocks = false;  // the source listed blocks of this heap in a series state
  // The heap's own figures (glibc's malloc_info, `!heap -s` Commit and Reserv) over the series
  // states that give them: committed bytes as a trend, reserved bytes first and last.
  bool figures_known = false;
  SeriesTrend committed;
  uint64_t reserved_first = 0, reserved_last = 0;
};

// A heap whose committed memory grew while the source listed none of its blocks: the heap's
// figures are the only evidence, so the heap itself is the suspect.
struct HeapSuspect {
  size_t rank = 0;
  HeapGrowth heap;
  Judgement judgement;
};

struct SizeGrowth {
  uint64_t size = 0;
  LiveTotal first, last;
};

// Snapshots at the end of the series in which the program was tearing its data down: after
// the peak of the tracked memory, falling steadily over no more snapshots than came before
// the peak, most of the fall made by sites that lost a fifth or more of their bytes, and an
// exit snapshot follows.
struct Teardown {
  bool detected = false;
  size_t points = 0;                       // series snapshots left out of the trends
  double start_s = 0;                      // time of the first of them
  uint64_t peak_bytes = 0, end_bytes = 0;  // tracked heap + mmap at the peak and the last
  size_t falling_sites = 0;                // stacks that lost a fifth or more of their bytes
};

// A fall this large (of the peak) at the end of the run may be teardown; smaller ones are
// ordinary movement.
inline constexpr double kTeardownFallFraction = 0.2;

enum class VerdictKind : uint8_t {
  kLeak,            // at least one likely leak
  kHeldUntilExit,   // no likely leak, but growth that was freed only at teardown or exit
  kTwoStateGrowth,  // none of the above, but large growth between the only two states
  kNoLeak,
  kOneSnapshot,  // nothing can be said about growth
};

// What could not be said, or what was done to the figures, and why.
enum class NoteCode : uint8_t {
  kNoTimes,           // the snapshots carry no times: rates are per snapshot
  kOneSnapshot,       // trends need two or more snapshots
  kTwoSnapshots,      // two show growth but not its shape
  kTeardownLeftOut,   // teardown snapshots left out of the trends
  kTrackerSubtracted  // the tracker's own memory is not counted in private and RSS
};

struct Suspect {
  size_t rank = 0;
  SiteTrend trend;
  Judgement judgement;
  std::vector<SymbolicFrame> frames;
  SiteLabel site;                            // which of `frames` names the site
  uint64_t live_bytes = 0, live_blocks = 0;  // at the last snapshot of the running phase
};

// One call site's live memory at each series point (AnalyzeReport::series_times).
struct SiteSeries {
  SiteKind kind = SiteKind::kHeap;
  std::vector<SymbolicFrame> frames;  // innermost first
  std::vector<LiveTotal> points;
};

struct ExitSite {
  SiteKind kind = SiteKind::kHeap;
  LiveTotal live;
  // Of `live`, by class, when the exit snapshot was classified (AnalyzeReport::exit_classified;
  // for an mmap site exit_regions_classified).
  LiveTotal unreachable, indirect, possibly;
  LiveTotal unclassified;  // shared regions the scan does not classify
  std::vector<SymbolicFrame> frames;
  SiteLabel site;
};

struct AnalyzeReport {
  std::vector<SnapshotInfo> snapshots;
  size_t runs = 0, series_points = 0;
  bool across_runs = false, has_times = false;
  double duration_s = 0;
  std::string executable;
  uint32_t pid = 0;

  Teardown teardown;

  // Steps 1 and 2, from the snapshots of the running phase. Private and RSS exclude what the
  // tracker's own memory grew by, when the snapshots record it (tracker_subtracted).
  FigureTrend private_bytes, rss, heap, mmap;
  FigureTrend tracker;  // the tracker's own memory
  bool tracker_subtracted = false;
  size_t samples = 0;  // time-series samples within the running phase
  FigureTrend sampled_heap, sampled_rss, sampled_private;
  int64_t other_growth = 0;        // private growth not explained by heap + mmap
  double explained_fraction = -1;  // (heap + mmap growth) / private growth; < 0 if unknown

  std::vector<HeapGrowth> heaps;  // step 3, largest growth first
  // Heaps listed without blocks whose committed memory grew, most serious first.
  std::vector<HeapSuspect> heap_suspects;
  std::vector<SizeGrowth> sizes;
  std::vector<Suspect> suspects;  // steps 4 and 5, best first
  size_t growing_sites = 0;       // sites with growth, listed or not
  // Seconds from the first series point, per series point (60 s a snapshot without times).
  std::vector<double> series_times;
  // Indexed by SiteTrend::site; empty unless AnalyzeOptions::keep_site_series.
  std::vector<SiteSeries> site_series;

  bool has_exit = false;
  LiveTotal exit_heap, exit_mmap;
  // The exit snapshot has classes: its heap blocks by class (the rest are reachable), and the
  // sites with lost blocks come first, most lost bytes first, as a leak checker lists them.
  bool exit_classified = false;
  LiveTotal exit_unreachable, exit_indirect, exit_possibly;
  // Its tracked anonymous mmap regions by class, when it classified them too.
  bool exit_regions_classified = false;
  LiveTotal exit_region_unreachable, exit_region_indirect, exit_region_possibly;
  std::vector<ExitSite> exit_sites;  // largest first

  bool leaking = false;  // at least one likely leak
  VerdictKind verdict = VerdictKind::kNoLeak;
  // Suspects (sites and heaps) of those classes.
  size_t likely_leaks = 0, held_until_exit = 0, two_state_growth = 0;
  // False when an input gives no block counts for a state (a UMDH comparison without count
  // lines): block changes are unknown, not shown.
  bool block_counts_known = true;
  std::string source_kind;  // of the first input: "ldsnap", "umdh-diff", "windbg-heap-s", ...
  std::vector<NoteCode> notes;
  std::vector<std::string> warnings;  // inputs skipped, builds that differ
};

// One input file; a file found in a directory (rather than named) is skipped with a warning
// when it does not load, since a killed run can leave a truncated last snapshot.
struct AnalyzeInput {
  std::string path;
  bool from_directory = false;
};

// Reads one file into its heap state(s); throws leakdbg::Error. The input layer
// (input/load.h) provides it, so the analysis does not know file formats.
using ModelLoader = std::function<std::vector<HeapModel>(const std::string& path)>;

// The files in order. Throws leakdbg::Error with one line for unusable input.
AnalyzeReport analyze_files(const std::vector<AnalyzeInput>& files, const ModelLoader& load,
                            const AnalyzeOptions& options);

// The same over models produced one at a time by `next` (returns false when done); for
// tests and synthetic benchmarks. `next` may reuse its model between calls.
AnalyzeReport analyze_stream(const std::function<bool(HeapModel&)>& next,
                             const AnalyzeOptions& options);

}  // namespace leakdbg::analysis
