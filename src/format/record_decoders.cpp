#include "format/record_decoders.h"

#include <cstring>

#include "format/byte_cursor.h"

namespace leakdbg::fmt {

void decode_meta(std::string_view raw, HeapModel& model) {
  ByteCursor in(raw, "meta section");
  auto meta = in.read<MetaRecord>();
  std::string_view strings = in.take(meta.strings_size, "the strings");
  in.expect_end();
  // Strings in order: executable, label, cwd, then argc arguments, each NUL-terminated.
  std::vector<std::string> parts;
  while (!strings.empty()) {
    size_t nul = strings.find('\0');
    if (nul == std::string_view::npos) in.fail("the last string has no terminating NUL");
    parts.emplace_back(strings.substr(0, nul));
    strings.remove_prefix(nul + 1);
  }
  if (parts.size() < 3 || parts.size() - 3 != meta.argc)
    in.fail("holds " + std::to_string(parts.size()) + " strings, expected " +
            std::to_string(uint64_t{meta.argc} + 3) + " (executable, label, cwd and " +
            std::to_string(meta.argc) + " arguments)");
  model.pid = meta.pid;
  model.ppid = meta.ppid;
  model.sequence = meta.sequence;
  model.start_realtime_ns = meta.start_realtime_ns;
  model.snap_realtime_ns = meta.snap_realtime_ns;
  model.snap_monotonic_ns = meta.snap_monotonic_ns;
  model.tick_ns = meta.tick_ns;
  model.current_tick = meta.current_tick;
  model.trigger = static_cast<Trigger>(meta.trigger);
  model.allocator = meta.allocator;
  model.max_frames = meta.max_frames;
  model.executable = std::move(parts[0]);
  model.label = std::move(parts[1]);
  model.cwd = std::move(parts[2]);
  model.argv.assign(std::make_move_iterator(parts.begin() + 3),
                    std::make_move_iterator(parts.end()));
}

void decode_modules(std::string_view raw, std::vector<Module>& modules) {
  ByteCursor in(raw, "modules section");
  auto count = in.read<uint32_t>();
  in.check_count(count, sizeof(ModuleRecord), "modules");
  modules.reserve(modules.size() + count);
  for (uint32_t i = 0; i < count; ++i) {
    auto rec = in.read<ModuleRecord>();
    Module m;
    m.load_bias = rec.load_bias;
    m.path = in.take(rec.path_size, "a module path");
    m.build_id = in.take(rec.build_id_size, "a build-id");
    m.unloaded = rec.unloaded != 0;
    m.is_executable = rec.is_executable != 0;
    in.check_count(rec.segment_count, sizeof(SegmentRecord), "segments");
    m.segments.reserve(rec.segment_count);
    for (uint16_t s = 0; s < rec.segment_count; ++s) {
      auto seg = in.read<SegmentRecord>();
      if (seg.end < seg.start)
        in.fail("module " + m.path + " has a segment ending before it starts");
      m.segments.push_back({seg.start, seg.end, seg.file_offset, seg.prot});
    }
    modules.push_back(std::move(m));
  }
  in.expect_end();
}

void decode_stacks(std::string_view raw, std::vector<Stack>& stacks) {
  ByteCursor in(raw, "stacks section");
  auto count = in.read<uint32_t>();
  in.check_count(count, sizeof(StackRecord), "stacks");
  stacks.reserve(stacks.size() + count);
  for (uint32_t i = 0; i < count; ++i) {
    auto rec = in.read<StackRecord>();
    if (rec.id == 0) in.fail("stack id 0 is reserved for \"no stack\"");
    in.check_count(rec.depth, sizeof(uint64_t), "frames");
    Stack s;
    s.id = rec.id;
    s.frames.resize(rec.depth);
    std::string_view frames = in.take(uint64_t{rec.depth} * sizeof(uint64_t), "frames");
    if (!frames.empty()) std::memcpy(s.frames.data(), frames.data(), frames.size());
    stacks.push_back(std::move(s));
  }
  in.expect_end();
}

void decode_threads(std::string_view raw, std::vector<ThreadInfo>& threads) {
  ByteCursor in(raw, "threads section");
  auto count = in.read<uint32_t>();
  in.check_count(count, sizeof(ThreadRecord), "threads");
  threads.reserve(threads.size() + count);
  for (uint32_t i = 0; i < count; ++i) {
    auto rec = in.read<ThreadRecord>();
    ThreadInfo t;
    t.tid = rec.tid;
    t.name = in.take(rec.name_size, "a thread name");
    t.stack_start = rec.stack_start;
    t.stack_end = rec.stack_end;
    threads.push_back(std::move(t));
  }
  in.expect_end();
}

void decode_tracker_stats(std::string_view raw, TrackerStats& stats) {
  ByteCursor in(raw, "tracker stats section");
  auto rec = in.read<TrackerStatsRecord>();
  in.expect_end();
  stats.total_allocs = rec.total_allocs;
  stats.total_frees = rec.total_frees;
  stats.mismatched_frees = rec.mismatched_frees;
  stats.unknown_frees = rec.unknown_frees;
  stats.truncated_stacks = rec.truncated_stacks;
  stats.tracker_bytes = rec.tracker_bytes;
  stats.dropped_events = rec.dropped_events;
  stats.skipped_snapshots = rec.skipped_snapshots;
}

void decode_reachability(std::string_view raw, ReachabilityInfo& info) {
  ByteCursor in(raw, "reachability section");
  auto rec = in.read<ReachabilityRecord>();
  in.expect_end();
  if (rec.status > static_cast<uint32_t>(ReachStatus::kTooManyBlocks))
    throw Corrupt("reachability section: unknown status " + std::to_string(rec.status));
  info.attempted = true;
  info.status = static_cast<ReachStatus>(rec.status);
  info.threads_stopped = rec.threads_stopped;
  info.pause_ns = rec.pause_ns;
  info.scan_ns = rec.scan_ns;
  info.root_bytes = rec.root_bytes;
  info.block_bytes = rec.block_bytes;
  info.referrers_found = rec.referrers_found;
  info.referrers_dropped = rec.referrers_dropped;
  info.fork_ns = rec.fork_ns;
  info.scan_cpu_ns = rec.scan_cpu_ns;
}

namespace {
void check_kind(uint8_t kind, const char* section) {
  if (kind > static_cast<uint8_t>(ReferrerKind::kRegister))
    throw Corrupt(std::string(section) + " section: unknown referrer kind " + std::to_string(kind));
}
}  // namespace

BlockReachRecord to_model(const BlockReachRecord& r) {
  if (r.reach_class > static_cast<uint8_t>(ReachClass::kUnreachable))
    throw Corrupt("block classes section: unknown class " + std::to_string(r.reach_class));
  check_kind(r.parent_kind, "block classes");
  return r;
}

namespace {
Referrer referrer_of(const ReferrerRecord& r) {
  Referrer out;
  out.target = r.target;
  out.slot = r.slot;
  out.tid = r.tid;
  out.kind = static_cast<ReferrerKind>(r.kind);
  return out;
}
}  // namespace

Referrer to_model(const ReferrerRecord& r) {
  check_kind(r.kind, "referrers");
  return referrer_of(r);
}

Referrer to_model(const RegionReferrerRecord& r) {
  check_kind(r.kind, "region referrers");
  return referrer_of(r);
}

Block to_model(const BlockRecord& r) {
  Block b;
  b.address = r.address;
  b.size = r.size;
  b.usable = r.usable;
  b.alloc_tick = r.alloc_tick;
  b.stack_id = r.stack_id;
  b.thread_id = r.thread_id;
  b.arena = r.arena;
  b.api = static_cast<ApiKind>(r.api);
  b.flags = r.flags;
  std::memcpy(b.content, r.content, sizeof b.content);
  return b;
}

Region to_model(const RegionRecord& r) {
  Region g;
  g.address = r.address;
  g.length = r.length;
  g.alloc_tick = r.alloc_tick;
  g.stack_id = r.stack_id;
  g.thread_id = r.thread_id;
  g.prot = r.prot;
  g.map_flags = r.map_flags;
  g.api = static_cast<ApiKind>(r.api);
  g.flags = r.flags;
  return g;
}

Arena to_model(const ArenaRecord& r) {
  Arena a;
  a.index = r.index;
  a.is_main = r.is_main != 0;
  a.address = r.address;
  a.system_current = r.system_current;
  a.system_max = r.system_max;
  a.aspace_total = r.aspace_total;
  a.aspace_mprotect = r.aspace_mprotect;
  a.free_fast_count = r.free_fast_count;
  a.free_fast_bytes = r.free_fast_bytes;
  a.free_rest_count = r.free_rest_count;
  a.free_rest_bytes = r.free_rest_bytes;
  return a;
}

Site to_model(const SiteRecord& r) {
  return {r.stack_id, r.allocs, r.frees, r.bytes_allocated, r.bytes_freed};
}

Sample to_model(const SampleRecord& r) {
  return {r.monotonic_ns, r.heap_bytes, r.heap_blocks, r.mmap_bytes, r.rss_bytes, r.private_bytes};
}

}  // namespace leakdbg::fmt
