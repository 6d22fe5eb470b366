#include "tracker/snapshot.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "format/snapshot_writer.h"
#include "tracker/background.h"
#include "tracker/block_copy.h"
#include "tracker/block_stream.h"
#include "tracker/glibc_heap.h"
#include "tracker/hooked_symbols.h"
#include "tracker/module_registry.h"
#include "tracker/private_dir.h"
#include "tracker/proc_files.h"
#include "tracker/raw_memory.h"
#include "tracker/reachability.h"
#include "tracker/thread_counters.h"
#include "tracker/time_series.h"
#include "tracker/tracker_state.h"

namespace leakdbg::tracker {

Series g_series;

namespace {

SpinLock g_snapshot_lock;
ByteBuffer g_command_line;  // NUL-separated arguments
uint32_t g_argc = 0;

const char* trigger_name(fmt::Trigger trigger) {
  switch (trigger) {
    case fmt::Trigger::kInterval:
      return "interval";
    case fmt::Trigger::kRequest:
      return "request";
    case fmt::Trigger::kExit:
      return "exit";
    case fmt::Trigger::kApi:
      return "api";
    case fmt::Trigger::kSignal:
      return "signal";
    default:
      return "unknown";
  }
}

bool append_regions(ByteBuffer& out) {
  ByteBuffer raw;
  if (!g_regions.copy_to(raw)) return false;
  const auto* regions = reinterpret_cast<const Region*>(raw.data());
  size_t count = raw.size() / sizeof(Region);
  for (size_t i = 0; i < count; ++i) {
    const fmt::RegionRecord r = to_record(regions[i]);
    if (!out.append(&r, sizeof r)) return false;
  }
  return true;
}

bool append_stacks_and_sites(uint32_t stack_count, ByteBuffer& stacks, ByteBuffer& sites,
                             fmt::TrackerStatsRecord& stats) {
  if (!stacks.append(&stack_count, sizeof stack_count)) return false;
  ByteBuffer pending_buffer;
  if (!collect_pending_site_counts(stack_count, pending_buffer)) return false;
  const auto* pending = reinterpret_cast<const SiteTotals*>(pending_buffer.data());
  for (uint32_t id = 1; id <= stack_count; ++id) {
    const StackDepot::Stack* s = g_depot.get(id);
    if (!s) return false;
    fmt::StackRecord record{id, s->depth};
    if (!stacks.append(&record, sizeof record) ||
        !stacks.append(s->frames(), s->depth * sizeof(uintptr_t)))
      return false;
    fmt::SiteRecord site{};
    site.stack_id = id;
    site.allocs = s->allocs.load(std::memory_order_relaxed) + pending[id].allocs;
    site.frees = s->frees.load(std::memory_order_relaxed) + pending[id].frees;
    site.bytes_allocated =
        s->bytes_allocated.load(std::memory_order_relaxed) + pending[id].bytes_allocated;
    site.bytes_freed = s->bytes_freed.load(std::memory_order_relaxed) + pending[id].bytes_freed;
    stats.total_allocs += site.allocs;
    stats.total_frees += site.frees;
    if (!sites.append(&site, sizeof site)) return false;
  }
  return true;
}

// `started_*`: when the snapshot began, the moment it stands for (its blocks are streamed
// after), which keeps periodic snapshots' times on their schedule.
bool append_meta(fmt::Trigger trigger, const char* label, uint64_t started_realtime_ns,
                 uint64_t started_monotonic_ns, ByteBuffer& out) {
  char exe[4096];
  ssize_t exe_size = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[exe_size > 0 ? exe_size : 0] = '\0';
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
  if (!label) label = "";
  size_t strings =
      std::strlen(exe) + 1 + std::strlen(label) + 1 + std::strlen(cwd) + 1 + g_command_line.size();
  fmt::MetaRecord meta{};
  meta.pid = static_cast<uint32_t>(getpid());
  meta.ppid = static_cast<uint32_t>(getppid());
  meta.sequence = g_series.sequence;
  meta.start_realtime_ns = g_series.start_realtime_ns;
  meta.snap_realtime_ns = started_realtime_ns;
  meta.snap_monotonic_ns = started_monotonic_ns - g_series.start_monotonic_ns;
  meta.tick_ns = kTickNs;
  meta.current_tick = g_tick.load(std::memory_order_relaxed);
  meta.argc = g_argc;
  meta.trigger = static_cast<uint8_t>(trigger);
  meta.allocator = g_allocator_is_glibc ? 1 : 2;
  meta.max_frames = static_cast<uint8_t>(g_config.max_frames > 255 ? 255 : g_config.max_frames);
  meta.strings_size = static_cast<uint32_t>(strings);
  return out.append(&meta, sizeof meta) && out.append(exe, std::strlen(exe) + 1) &&
         out.append(label, std::strlen(label) + 1) && out.append(cwd, std::strlen(cwd) + 1) &&
         out.append(g_command_line.data(), g_command_line.size());
}

bool write_section(fmt::SnapshotWriter& writer, fmt::SectionType type, const ByteBuffer& data) {
  return writer.begin_section(type) && writer.write(data.data(), data.size()) &&
         writer.end_section();
}

}  // namespace

uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

uint64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

void start_series(const char* subdirectory) {
  std::snprintf(g_series.subdirectory, sizeof g_series.subdirectory, "%s", subdirectory);
  std::snprintf(g_series.directory, sizeof g_series.directory, "%s%s%s", g_config.output_dir,
                *subdirectory ? "/" : "", subdirectory);
  g_series.cleaned = false;
  g_series.sequence = 0;
  g_series.start_realtime_ns = realtime_ns();
  g_series.start_monotonic_ns = monotonic_ns();
}

void remember_command_line() {
  g_command_line.clear();
  g_argc = 0;
  if (!append_file("/proc/self/cmdline", g_command_line)) return;
  for (size_t i = 0; i < g_command_line.size(); ++i)
    if (g_command_line.data()[i] == '\0') ++g_argc;
  if (g_command_line.size() && g_command_line.data()[g_command_line.size() - 1] != '\0') {
    g_command_line.append("", 1);
    ++g_argc;
  }
}

namespace {

// The series' directory, checked (private_dir.h): the output directory, and a fork's or an
// exec'd program's folder below it, created on its first snapshot so that a child that
// execs at once leaves no empty folder behind. -1 with errno on failure.
int open_series_directory() {
  int output = open_private_directory(AT_FDCWD, g_config.output_dir, false);
  if (output < 0 || !g_series.subdirectory[0]) return output;
  int series = open_private_directory(output, g_series.subdirectory, true);
  int error = errno;
  close(output);
  errno = error;
  return series;
}

}  // namespace

void lock_snapshots() { g_snapshot_lock.lock(); }
void unlock_snapshots() { g_snapshot_lock.unlock(); }
void reset_snapshot_lock_in_child() { g_snapshot_lock.reset(); }

bool take_snapshot(const RecursionGuard&, fmt::Trigger trigger, const char* label, char* path_out,
                   size_t path_size, bool reachability) {
  SpinLockGuard serial(g_snapshot_lock);
  if (!tracking()) return false;
  if (trigger == fmt::Trigger::kInterval) sample_memory_now();
  const uint64_t started_realtime_ns = realtime_ns();
  const uint64_t started_monotonic_ns = monotonic_ns();
  // The scan's moment comes first: its copy classifies the blocks while they are copied.
  ReachabilityRun reach;
  if (wants_reachability(trigger, reachability)) begin_reachability(reach);
  t_snapshot_caller_valid = false;
  ++g_series.sequence;
  char name[256];
  std::snprintf(name, sizeof name, "%04llu-%s.ldsnap",
                static_cast<unsigned long long>(g_series.sequence), trigger_name(trigger));

  // The scan (its threads resumed, its copy finished) before anything can fail.
  if (reach.attempted) finish_reachability(reach);

  // The file is opened next: the blocks are written to it as they are copied.
  int dir_fd = open_series_directory();
  if (dir_fd < 0) {
    char reason[4400];
    std::snprintf(
        reason, sizeof reason, "cannot use %s: %s", g_series.directory,
        errno == EPERM ? "owned by another user or writable by others" : std::strerror(errno));
    stop_tracking(reason);
    return false;
  }
  if (!g_series.cleaned) {
    remove_stale_entries(dir_fd);
    g_series.cleaned = true;
  }
  fmt::SnapshotWriter writer;
  auto fail_writing = [&] {
    int error = errno;
    close(dir_fd);
    writer.abort();
    char reason[4400];
    std::snprintf(reason, sizeof reason, "cannot write snapshot %s/%s: %s", g_series.directory,
                  name, std::strerror(error));
    stop_tracking(reason);
    return false;
  };

  // Blocks first, then stacks: every stack id a block or region names is then already in
  // the depot when the stack table is read. The scan's copy, when it made one, is already
  // in memory; otherwise the blocks stream from the live set to the file.
  uintptr_t ring[BlockStream::kRingCapacity];
  int ring_size = 0;
  if (!writer.open_at(dir_fd, name)) return fail_writing();
  if (reach.blocks_provided) {
    // Renumbered and encoded a piece at a time, as each is written and given back; in the
    // copy's order, which the block classes written below follow.
    struct Numbering {
      uint16_t final_index[257];
      int arena_count;
    } numbering;
    numbering.arena_count = reach.arena_count;
    arena_numbering(reach.arenas, reach.arena_count, ring, &ring_size, numbering.final_index);
    auto write_piece = [](fmt::SnapshotWriter& out, void* piece, size_t bytes, void* context) {
      const auto& n = *static_cast<const Numbering*>(context);
      auto* records = static_cast<fmt::BlockRecord*>(piece);
      const size_t count = bytes / sizeof(fmt::BlockRecord);
      renumber_arenas(records, count, n.final_index, n.arena_count);
      return out.write_blocks(records, count);
    };
    if (!write_released(writer, fmt::SectionType::kBlocks, reach.blocks,
                        reach.block_count * sizeof(fmt::BlockRecord), write_piece, &numbering))
      return fail_writing();
  } else {
    BlockStream stream(writer, g_shadow, g_live);
    if (!writer.begin_section(fmt::SectionType::kBlocks) || !stream.write_live_blocks() ||
        !writer.end_section())
      return fail_writing();
    ring_size = stream.ring_size();
    for (int i = 0; i < ring_size; ++i) ring[i] = stream.ring()[i];
  }

  ByteBuffer regions, modules, stacks, sites, arenas, meta, samples, threads, text;
  fmt::TrackerStatsRecord stats{};
  refresh_modules();
  const bool gathered =
      (reach.regions_provided || append_regions(regions)) && serialize_modules(modules) &&
      append_stacks_and_sites(g_depot.count(), stacks, sites, stats) &&
      (!g_allocator_is_glibc || collect_arena_records(ring, ring_size, arenas)) &&
      append_meta(trigger, label, started_realtime_ns, started_monotonic_ns, meta) &&
      take_samples(samples) && append_threads(threads);
  if (!gathered) {
    close(dir_fd);
    writer.abort();
    stop_tracking("out of memory while taking a snapshot");
    return false;
  }
  stats.mismatched_frees = g_counters.mismatched_frees.load(std::memory_order_relaxed);
  stats.unknown_frees = g_counters.unknown_frees.load(std::memory_order_relaxed);
  stats.truncated_stacks = g_counters.truncated_stacks.load(std::memory_order_relaxed);
  stats.dropped_events = g_counters.dropped_events.load(std::memory_order_relaxed);
  stats.skipped_snapshots = skipped_interval_snapshots();
  // The shadow's and the depot id table's reservations are mostly never touched: count what
  // they use. The scan's answer pages belong to this snapshot alone (given back as they are
  // written): counted, they would show every scanned snapshot as tracker growth.
  stats.tracker_bytes = mapped_bytes() - g_shadow.reserved_bytes() + g_shadow.memory_bytes() -
                        g_depot.untouched_reserve_bytes() - (reach.shared ? reach.shared_bytes : 0);

  bool ok = write_section(writer, fmt::SectionType::kMeta, meta) &&
            write_section(writer, fmt::SectionType::kModules, modules) &&
            write_section(writer, fmt::SectionType::kStacks, stacks) &&
            (reach.regions_provided
                 ? write_released(writer, fmt::SectionType::kMmapRegions, reach.regions,
                                  reach.region_count * sizeof(fmt::RegionRecord))
                 : write_section(writer, fmt::SectionType::kMmapRegions, regions)) &&
            (arenas.size() == 0 || write_section(writer, fmt::SectionType::kArenas, arenas)) &&
            write_section(writer, fmt::SectionType::kSites, sites) &&
            write_section(writer, fmt::SectionType::kTimeSeries, samples) &&
            write_section(writer, fmt::SectionType::kThreads, threads) &&
            (!reach.attempted ||
             (writer.begin_section(fmt::SectionType::kReachability) &&
              writer.write(&reach.record, sizeof reach.record) && writer.end_section())) &&
            (!reach.blocks_provided ||
             write_released(writer, fmt::SectionType::kBlockClasses, reach.classes,
                            reach.block_count * sizeof(fmt::BlockReachRecord))) &&
            (reach.referrer_count == 0 ||
             write_released(writer, fmt::SectionType::kReferrers, reach.referrers,
                            reach.referrer_count * sizeof(fmt::ReferrerRecord))) &&
            (!reach.regions_provided ||
             write_released(writer, fmt::SectionType::kRegionClasses, reach.region_classes,
                            reach.region_count * sizeof(fmt::BlockReachRecord))) &&
            (reach.region_referrer_count == 0 ||
             write_released(writer, fmt::SectionType::kRegionReferrers, reach.region_referrers,
                            reach.region_referrer_count * sizeof(fmt::ReferrerRecord)));
  // Raw /proc texts, one at a time through the same scratch buffer.
  static const struct {
    const char* path;
    fmt::SectionType type;
  } kProcFiles[] = {{"/proc/self/status", fmt::SectionType::kProcStatus},
                    {"/proc/self/smaps_rollup", fmt::SectionType::kSmapsRollup},
                    {"/proc/self/smaps", fmt::SectionType::kSmaps}};
  for (const auto& file : kProcFiles) {
    if (!ok) break;
    text.clear();
    if (append_file(file.path, text)) ok = write_section(writer, file.type, text);
  }
  ok = ok && writer.begin_section(fmt::SectionType::kTrackerStats) &&
       writer.write(&stats, sizeof stats) && writer.end_section() && writer.finish();
  if (!ok) return fail_writing();
  close(dir_fd);
  if (path_out) std::snprintf(path_out, path_size, "%s/%s", g_series.directory, name);
  return true;
}

}  // namespace leakdbg::tracker
