// Issue 3's scale targets on a synthetic snapshot: a 2 M-block heap model (sizes from a
// skewed distribution, 20 k distinct stacks with symbols) is written to a snapshot, then
// loaded and grouped as `leakdbg stat` does, and filtered as `leakdbg blocks --size` does.
// Prints wall times and peak RSS; with a path argument it keeps the snapshot there for
// timing the real command (`/usr/bin/time -v leakdbg stat FILE`).
//
//   inspect_scale_bench [BLOCKS] [KEEP_PATH]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "analysis/block_filter.h"
#include "analysis/size_stat.h"
#include "format/model_encoder.h"
#include "format/records.h"
#include "input/load.h"
#include "symbolize/symbolizer.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

leakdbg::HeapModel synthetic(size_t blocks, size_t stacks) {
  leakdbg::HeapModel model;
  model.allocator = 1;
  model.tick_ns = 1000000;
  model.current_tick = 1000000;
  std::mt19937_64 random(7);
  for (uint32_t id = 1; id <= stacks; ++id) {
    leakdbg::Stack stack;
    stack.id = id;
    for (int depth = 0; depth < 8; ++depth)
      stack.frames.push_back(0x400000 + id * 0x100 + depth * 8);
    model.stacks.push_back(std::move(stack));
  }
  leakdbg::Arena main_arena;
  main_arena.is_main = true;
  main_arena.address = 0x7f0000000000;
  main_arena.system_current = main_arena.system_max = main_arena.aspace_total = 1ull << 30;
  model.arenas.push_back(main_arena);
  std::geometric_distribution<int> size_class(0.15);
  uint64_t address = 0x10000000;
  for (size_t i = 0; i < blocks; ++i) {
    leakdbg::Block b;
    b.size = 16 * static_cast<uint64_t>(1 + size_class(random) % 64) - random() % 8;
    b.usable = (b.size + 8 + 15) / 16 * 16 - 8;
    b.address = address;
    address += b.usable + 8;
    b.stack_id = static_cast<uint32_t>(1 + random() % stacks);
    b.thread_id = 1000;
    b.arena = 0;
    b.alloc_tick = random() % 1000000;
    model.blocks.push_back(b);
  }
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  size_t blocks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 2000000;
  std::string path = argc > 2 ? argv[2]
                              : (std::filesystem::temp_directory_path() /
                                 ("inspect-scale-" + std::to_string(getpid()) + ".ldsnap"))
                                    .string();
  {
    leakdbg::HeapModel model = synthetic(blocks, 20000);
    leakdbg::fmt::write_snapshot(model, path);
  }
  std::printf("snapshot: %zu blocks, %.1f MiB on disk, %.1f MiB of block records decompressed\n",
              blocks, static_cast<double>(std::filesystem::file_size(path)) / (1 << 20),
              static_cast<double>(blocks * sizeof(leakdbg::fmt::BlockRecord)) / (1 << 20));
  std::printf("peak RSS after building and writing: %.0f MiB (the figures below add to it)\n",
              peak_rss_mib());

  auto start = std::chrono::steady_clock::now();
  leakdbg::HeapModel model = leakdbg::load_model(path);
  double load = seconds_since(start);
  start = std::chrono::steady_clock::now();
  leakdbg::StatResult stat = leakdbg::compute_stat(model, nullptr, leakdbg::StatOptions{});
  double stat_s = seconds_since(start);
  std::printf("load %.3f s + stat --by size %.3f s = %.3f s (%zu groups, %llu blocks)\n", load,
              stat_s, load + stat_s, stat.group_count,
              static_cast<unsigned long long>(stat.busy_blocks));

  leakdbg::Symbolizer symbolizer(model, leakdbg::SymbolizerOptions{{}, {}, false});
  start = std::chrono::steady_clock::now();
  leakdbg::StatOptions by_site;
  by_site.by = leakdbg::GroupBy::kSite;
  leakdbg::StatResult sites = leakdbg::compute_stat(model, &symbolizer, by_site);
  std::printf("stat --by site %.3f s (%zu groups)\n", seconds_since(start), sites.group_count);

  start = std::chrono::steady_clock::now();
  leakdbg::BlockListing listing = leakdbg::list_blocks(
      model, &symbolizer, leakdbg::BlockQuery::exact_size(stat.groups.front().size.value_or(48)));
  std::printf("blocks --size %.3f s (%llu matches, %zu listed)\n", seconds_since(start),
              static_cast<unsigned long long>(listing.total), listing.rows.size());
  std::printf("peak RSS %.0f MiB\n", peak_rss_mib());
  if (argc <= 2) std::filesystem::remove(path);
  return 0;
}
