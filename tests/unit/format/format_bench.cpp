// Speed and memory of the snapshot format at the scale of the targets (2 M live blocks):
//   format_bench write FILE [BLOCKS [LEVEL]]  writes a snapshot as the tracker does (records
//       streamed in batches through SnapshotWriter, zstd at LEVEL) and reports the time;
//   format_bench read FILE  loads it into a HeapModel, reports time and peak RSS.
// Separate processes, so that the peak RSS of `read` is the reader's alone.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "format/snapshot_reader.h"
#include "format/snapshot_writer.h"
#include "model/model_totals.h"

using namespace leakdbg;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// User + system CPU seconds: on a shared, loaded machine the wall time mostly measures the
// other processes.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

bool write_snapshot(const std::filesystem::path& path, size_t blocks, int level) {
  constexpr size_t kStacks = 5000, kDepth = 16, kBatch = 8192;
  fmt::SnapshotWriter w;
  w.set_compression_level(level);
  std::string name = path.filename().string();
  std::string dir = path.has_parent_path() ? path.parent_path().string() : ".";
  if (!w.open(dir.c_str(), name.c_str())) return false;
  fmt::MetaRecord meta{};
  meta.pid = 1;
  meta.sequence = 1;
  meta.tick_ns = 1000000;
  meta.current_tick = blocks;
  std::string strings = std::string("/bench") + '\0' + '\0' + "/" + '\0';
  meta.strings_size = static_cast<uint32_t>(strings.size());
  bool ok = w.begin_section(fmt::SectionType::kMeta) && w.write(&meta, sizeof meta) &&
            w.write(strings.data(), strings.size()) && w.end_section();
  ok = ok && w.begin_section(fmt::SectionType::kStacks);
  uint32_t count = kStacks;
  ok = ok && w.write(&count, sizeof count);
  for (uint32_t id = 1; ok && id <= kStacks; ++id) {
    fmt::StackRecord rec{id, kDepth};
    uint64_t frames[kDepth];
    for (size_t f = 0; f < kDepth; ++f) frames[f] = 0x555555554000 + id * 97 + f * 4099;
    ok = w.write(&rec, sizeof rec) && w.write(frames, sizeof frames);
  }
  ok = ok && w.end_section() && w.begin_section(fmt::SectionType::kBlocks);
  std::vector<fmt::BlockRecord> batch(kBatch);
  uint64_t address = 0x555555560000;
  for (size_t i = 0; ok && i < blocks;) {
    size_t n = std::min(kBatch, blocks - i);
    for (size_t k = 0; k < n; ++k, ++i) {
      fmt::BlockRecord& r = batch[k];
      r = fmt::BlockRecord{};
      r.size = 16 + (i * 7919) % 497;
      r.address = address;
      address += (r.size + 8 + 15) & ~uint64_t{15};
      r.usable = ((r.size + 8 + 15) & ~uint64_t{15}) - 8;
      r.alloc_tick = i / 16;
      r.stack_id = static_cast<uint32_t>(i * 31 % kStacks + 1);
      r.thread_id = 1000 + static_cast<uint32_t>(i % 4);
      r.arena = static_cast<uint16_t>(i % 4);
      r.api = static_cast<uint8_t>(fmt::ApiKind::kMalloc);
      r.flags = fmt::kBlockContentValid;
      uint64_t words[2] = {0x555555554000 + (i % 50) * 16, 0x6f6c6c6568000000 + i % 1000};
      std::memcpy(r.content, words, sizeof words);
    }
    ok = w.write_blocks(batch.data(), n);
  }
  return ok && w.end_section() && w.finish();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s write FILE [BLOCKS [ZSTD_LEVEL]] | read FILE\n", argv[0]);
    return 2;
  }
  std::string mode = argv[1], file = argv[2];
  if (mode == "write") {
    size_t blocks = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 2'000'000;
    int level = argc > 4 ? std::atoi(argv[4]) : 1;
    auto start = Clock::now();
    double cpu_start = cpu_seconds();
    if (!write_snapshot(file, blocks, level)) {
      std::perror("write");
      return 1;
    }
    double took = seconds_since(start), cpu = cpu_seconds() - cpu_start;
    std::printf(
        "write: %zu blocks (%.1f MiB as BlockRecords) in %.3f s (%.3f s CPU), file %.1f MiB\n",
        blocks, static_cast<double>(blocks * sizeof(fmt::BlockRecord)) / 1048576.0, took, cpu,
        static_cast<double>(std::filesystem::file_size(file)) / 1048576.0);
    return 0;
  }
  if (mode == "read") {
    auto start = Clock::now();
    double cpu_start = cpu_seconds();
    HeapModel model = fmt::read_snapshot(file);
    double took = seconds_since(start), cpu = cpu_seconds() - cpu_start;
    ModelTotals totals = compute_totals(model);
    double raw_mib =
        static_cast<double>(model.blocks.size() * sizeof(fmt::BlockRecord)) / 1048576.0;
    std::printf(
        "read: %zu blocks, %zu stacks in %.3f s (%.3f s CPU), peak RSS %.1f MiB (%.2fx the "
        "%.1f MiB of raw block records); %llu bytes live\n",
        model.blocks.size(), model.stacks.size(), took, cpu, peak_rss_mib(),
        peak_rss_mib() / raw_mib, raw_mib, static_cast<unsigned long long>(totals.bytes));
    return 0;
  }
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
