// Size and time of the HTML report on a large synthetic series.
//
//   report_bench [BLOCKS] [SNAPSHOTS] [SITES]
//
// Streams SNAPSHOTS models of BLOCKS live blocks over SITES call sites (site 0 leaks, the
// others hold their blocks and reallocate them between snapshots) through the analysis with
// the report's data kept, then builds the page. Prints the analysis time, the page's build
// time and its size: the page must stay small and quick however many blocks there are,
// since everything in it is aggregated by stack.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "analysis/analyze.h"
#include "report/report_build.h"
#include "synthetic_models.h"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

leakdbg::HeapModel make_model(uint64_t blocks, size_t sites, int k) {
  synth::SnapshotBuilder b(1, static_cast<uint64_t>(k + 1), k * 10.0);
  b.reserve_blocks(blocks);
  std::vector<uint32_t> ids;
  for (size_t s = 0; s < sites; ++s)
    ids.push_back(b.site("Module" + std::to_string(s % 97) + "::function_" + std::to_string(s),
                         "src/file_" + std::to_string(s % 400) + ".cpp",
                         static_cast<uint32_t>(s % 3000 + 1)));
  uint64_t leaked = blocks / 100 * static_cast<uint64_t>(k);
  uint64_t rest = blocks > leaked ? blocks - leaked : 0;
  b.blocks(ids[0], leaked, 64, 1.0);
  for (size_t s = 1; s < sites; ++s)
    b.blocks(ids[s], rest / (sites - 1), 16 * (s % 32 + 1), k * 10.0 - 1);
  b.process((64ull << 20) + leaked * 64, (80ull << 20) + leaked * 64);
  return b.build();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t blocks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  int snapshots = argc > 2 ? std::atoi(argv[2]) : 20;
  size_t sites = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20'000;
  if (blocks == 0 || snapshots < 1 || sites < 2) {
    std::fprintf(stderr, "usage: report_bench [BLOCKS] [SNAPSHOTS] [SITES>=2]\n");
    return 2;
  }
  leakdbg::analysis::AnalyzeOptions options;
  options.frames = synth::fake_symbols();
  options.keep_site_series = true;
  leakdbg::report::ExtrasCollector extras;
  options.on_model = [&](const leakdbg::HeapModel& m) { extras.add(m); };
  int next = 0;
  double building_s = 0;
  double start = cpu_seconds();
  leakdbg::analysis::AnalyzeReport report = leakdbg::analysis::analyze_stream(
      [&](leakdbg::HeapModel& model) {
        if (next == snapshots) return false;
        double built = cpu_seconds();
        model = leakdbg::HeapModel{};
        model = make_model(blocks, sites, next++);
        building_s += cpu_seconds() - built;
        return true;
      },
      options);
  double analyze_s = cpu_seconds() - start - building_s;
  start = cpu_seconds();
  std::string page = leakdbg::report::page_of(report, extras);
  double page_s = cpu_seconds() - start;
  std::printf(
      "report: %d snapshots x %llu blocks over %zu sites: analysis %.2f s CPU, page %.3f s CPU, "
      "page %.2f MiB (%zu bytes)\n",
      snapshots, static_cast<unsigned long long>(blocks), sites, analyze_s, page_s,
      static_cast<double>(page.size()) / 1048576.0, page.size());
  return 0;
}
