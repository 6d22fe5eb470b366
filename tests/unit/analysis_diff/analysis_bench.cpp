// Timing and peak memory of `analyze` and `diff` on large synthetic heaps.
//
//   analysis_diff_bench [BLOCKS] [SNAPSHOTS] [DIR]
//
// Builds SNAPSHOTS models of BLOCKS live blocks over 2,000 call sites (one leaking, the rest
// churning), streams them through analyze, then diffs two models of 2 x BLOCKS blocks.
// With DIR, the snapshots are first written there as .ldsnap files and analyze reads them
// back through the real reader and symbolizer, as the command does.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "analysis/analyze.h"
#include "analysis/diff.h"
#include "format/model_encoder.h"
#include "input/analyze_inputs.h"
#include "synthetic_models.h"

namespace {

constexpr size_t kSites = 2000;

// CPU time rather than wall time: the figures stay meaningful on a machine shared with builds.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Snapshot k of a run: site 0 leaks (grows by 1% of the blocks per snapshot), the others
// hold a constant number of blocks that are reallocated between snapshots.
leakdbg::HeapModel make_model(uint64_t blocks, int k, uint32_t pid = 1) {
  synth::SnapshotBuilder b(pid, static_cast<uint64_t>(k + 1), k * 10.0);
  b.reserve_blocks(blocks);
  std::vector<uint32_t> sites;
  for (size_t s = 0; s < kSites; ++s)
    sites.push_back(b.site("function_" + std::to_string(s), "file.cpp", static_cast<uint32_t>(s)));
  uint64_t leaked = blocks / 100 * static_cast<uint64_t>(k);
  uint64_t rest = blocks > leaked ? blocks - leaked : 0;
  b.blocks(sites[0], leaked, 64, 1.0);
  for (size_t s = 1; s < kSites; ++s)
    b.blocks(sites[s], rest / (kSites - 1), 16 * (s % 32 + 1), k * 10.0 - 1);
  return b.build();
}

size_t model_bytes(const leakdbg::HeapModel& model) {
  return model.blocks.size() * sizeof(leakdbg::Block) + model.stacks.size() * 256;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t blocks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  int snapshots = argc > 2 ? std::atoi(argv[2]) : 20;
  std::string dir = argc > 3 ? argv[3] : "";

  leakdbg::analysis::AnalyzeOptions options;
  options.symbolizer.warn = false;
  size_t largest = 0;
  double analyze_s = 0;
  leakdbg::analysis::AnalyzeReport report;
  if (dir.empty()) {
    options.frames = synth::fake_symbols();
    int next = 0;
    double building_s = 0;
    double start = cpu_seconds();
    report = leakdbg::analysis::analyze_stream(
        [&](leakdbg::HeapModel& model) {
          if (next == snapshots) return false;
          double built = cpu_seconds();
          model = leakdbg::HeapModel{};  // as a reader would: the previous one is gone first
          model = make_model(blocks, next++);
          building_s += cpu_seconds() - built;
          largest = std::max(largest, model_bytes(model));
          return true;
        },
        options);
    analyze_s = cpu_seconds() - start - building_s;
  } else {
    std::filesystem::create_directories(dir);
    for (int k = 0; k < snapshots; ++k) {
      leakdbg::HeapModel model = make_model(blocks, k);
      largest = std::max(largest, model_bytes(model));
      char name[32];
      std::snprintf(name, sizeof name, "/%04d-interval.ldsnap", k + 1);
      leakdbg::fmt::write_snapshot(model, dir + name);
    }
    double start = cpu_seconds();
    report = leakdbg::input::analyze_paths({dir}, options);
    analyze_s = cpu_seconds() - start;
  }
  std::printf(
      "analyze: %d snapshots x %llu blocks: %.2f s CPU, peak RSS %.0f MiB, largest model "
      "%.0f MiB (%.2fx); rank 1 %s, likely_leak %d\n",
      snapshots, static_cast<unsigned long long>(blocks), analyze_s, peak_rss_mib(),
      static_cast<double>(largest) / 1048576.0,
      peak_rss_mib() / (static_cast<double>(largest) / 1048576.0),
      report.suspects.empty()                ? "-"
      : report.suspects[0].frames.size() > 1 ? report.suspects[0].frames[1].function.c_str()
                                             : "?",
      report.suspects.empty() ? 0 : report.suspects[0].judgement.likely_leak);

  leakdbg::HeapModel base = make_model(2 * blocks, 1), snap = make_model(2 * blocks, 5);
  leakdbg::analysis::DiffOptions diff_options;
  diff_options.symbolizer.warn = false;
  double start = cpu_seconds();
  leakdbg::analysis::DiffReport diff = leakdbg::analysis::diff_models(base, snap, diff_options);
  std::printf("diff: 2 x %llu blocks by site: %.2f s CPU, %zu rows\n",
              static_cast<unsigned long long>(2 * blocks), cpu_seconds() - start, diff.rows.size());
  return 0;
}
