#include "format/model_encoder.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "format/snapshot_writer.h"
#include "util/error.h"

namespace leakdbg::fmt {
namespace {

class Encoder {
 public:
  Encoder(SnapshotWriter& writer, const std::string& path) : w_(writer), path_(path) {}

  void check(bool ok) {
    if (!ok) throw Error(path_ + ": cannot write: " + std::strerror(errno));
  }
  void begin(SectionType t) { check(w_.begin_section(t)); }
  void end() { check(w_.end_section()); }
  template <typename T>
  void put(const T& value) {
    check(w_.write(&value, sizeof value));
  }
  void put_bytes(const std::string& s) { check(w_.write(s.data(), s.size())); }
  void put_raw(const void* data, size_t size) { check(w_.write(data, size)); }

  // Record arrays are buffered in batches: one write() per record would be slow.
  template <typename Record, typename Value, typename Convert>
  void put_array(SectionType type, const std::vector<Value>& values, Convert convert) {
    begin(type);
    std::vector<Record> batch;
    batch.reserve(4096);
    for (const Value& v : values) {
      batch.push_back(convert(v));
      if (batch.size() == batch.capacity()) flush(batch);
    }
    flush(batch);
    end();
  }

  // In the model's order, which the block classes follow.
  void put_blocks(const std::vector<Block>& blocks) {
    begin(SectionType::kBlocks);
    std::vector<BlockRecord> batch;
    batch.reserve(4096);
    for (const Block& b : blocks) {
      batch.push_back(to_record(b));
      if (batch.size() == batch.capacity()) {
        check(w_.write_blocks(batch.data(), batch.size()));
        batch.clear();
      }
    }
    check(w_.write_blocks(batch.data(), batch.size()));
    end();
  }

 private:
  template <typename Record>
  void flush(std::vector<Record>& batch) {
    check(w_.write(batch.data(), batch.size() * sizeof(Record)));
    batch.clear();
  }

  SnapshotWriter& w_;
  const std::string& path_;
};

void put_meta(Encoder& e, const HeapModel& m) {
  std::string strings;
  for (const std::string* s : {&m.executable, &m.label, &m.cwd}) strings.append(*s).push_back('\0');
  for (const std::string& arg : m.argv) strings.append(arg).push_back('\0');
  MetaRecord r{};
  r.pid = m.pid;
  r.ppid = m.ppid;
  r.sequence = m.sequence;
  r.start_realtime_ns = m.start_realtime_ns;
  r.snap_realtime_ns = m.snap_realtime_ns;
  r.snap_monotonic_ns = m.snap_monotonic_ns;
  r.tick_ns = m.tick_ns;
  r.current_tick = m.current_tick;
  r.argc = static_cast<uint32_t>(m.argv.size());
  r.trigger = static_cast<uint8_t>(m.trigger);
  r.allocator = m.allocator;
  r.max_frames = m.max_frames;
  r.strings_size = static_cast<uint32_t>(strings.size());
  e.begin(SectionType::kMeta);
  e.put(r);
  e.put_bytes(strings);
  e.end();
}

void put_modules(Encoder& e, const std::vector<Module>& modules) {
  e.begin(SectionType::kModules);
  e.put(static_cast<uint32_t>(modules.size()));
  for (const Module& m : modules) {
    ModuleRecord r{};
    r.load_bias = m.load_bias;
    r.path_size = static_cast<uint32_t>(m.path.size());
    r.build_id_size = static_cast<uint16_t>(m.build_id.size());
    r.segment_count = static_cast<uint16_t>(m.segments.size());
    r.unloaded = m.unloaded;
    r.is_executable = m.is_executable;
    e.put(r);
    e.put_bytes(m.path);
    e.put_bytes(m.build_id);
    for (const Segment& s : m.segments)
      e.put(SegmentRecord{s.start, s.end, s.file_offset, s.prot, 0});
  }
  e.end();
}

void put_stacks(Encoder& e, const std::vector<Stack>& stacks) {
  e.begin(SectionType::kStacks);
  e.put(static_cast<uint32_t>(stacks.size()));
  for (const Stack& s : stacks) {
    e.put(StackRecord{s.id, static_cast<uint32_t>(s.frames.size())});
    e.put_raw(s.frames.data(), s.frames.size() * sizeof(uint64_t));
  }
  e.end();
}

}  // namespace

template <class Item>
BlockReachRecord class_record(const Item& item) {
  BlockReachRecord r{};
  r.parent_slot = item.parent_slot;
  r.parent_tid = item.parent_tid;
  r.reach_class = static_cast<uint8_t>(item.reach);
  r.parent_kind = static_cast<uint8_t>(item.parent_kind);
  r.referrer_count = item.referrer_count;
  return r;
}

BlockRecord to_record(const Block& b) {
  BlockRecord r{};
  r.address = b.address;
  r.size = b.size;
  r.usable = b.usable;
  r.alloc_tick = b.alloc_tick;
  r.stack_id = b.stack_id;
  r.thread_id = b.thread_id;
  r.arena = b.arena;
  r.api = static_cast<uint8_t>(b.api);
  r.flags = b.flags;
  std::memcpy(r.content, b.content, sizeof r.content);
  return r;
}

void write_snapshot(const HeapModel& m, const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  SnapshotWriter writer;
  Encoder e(writer, path);
  e.check(writer.open(dir.c_str(), p.filename().c_str()));
  put_meta(e, m);
  if (!m.modules.empty()) put_modules(e, m.modules);
  if (!m.stacks.empty()) put_stacks(e, m.stacks);
  e.put_blocks(m.blocks);
  // Classes in the blocks' order, as the reader joins them.
  if (m.reachability.attempted) {
    ReachabilityRecord r{};
    r.status = static_cast<uint32_t>(m.reachability.status);
    r.threads_stopped = m.reachability.threads_stopped;
    r.pause_ns = m.reachability.pause_ns;
    r.scan_ns = m.reachability.scan_ns;
    r.root_bytes = m.reachability.root_bytes;
    r.block_bytes = m.reachability.block_bytes;
    r.referrers_found = m.reachability.referrers_found;
    r.referrers_dropped = m.reachability.referrers_dropped;
    r.fork_ns = m.reachability.fork_ns;
    r.scan_cpu_ns = m.reachability.scan_cpu_ns;
    e.begin(SectionType::kReachability);
    e.put(r);
    e.end();
  }
  if (m.caps.reachability) {
    e.put_array<BlockReachRecord>(SectionType::kBlockClasses, m.blocks, class_record<Block>);
    if (m.caps.region_classes)
      e.put_array<BlockReachRecord>(SectionType::kRegionClasses, m.regions, class_record<Region>);
    auto referrer_record = [](const Referrer& x) {
      ReferrerRecord r{};
      r.target = x.target;
      r.slot = x.slot;
      r.tid = x.tid;
      r.kind = static_cast<uint8_t>(x.kind);
      return r;
    };
    if (!m.referrers.empty())
      e.put_array<ReferrerRecord>(SectionType::kReferrers, m.referrers, referrer_record);
    if (m.caps.region_classes && !m.region_referrers.empty())
      e.put_array<ReferrerRecord>(SectionType::kRegionReferrers, m.region_referrers,
                                  referrer_record);
  }
  if (m.caps.regions || !m.regions.empty())
    e.put_array<RegionRecord>(SectionType::kMmapRegions, m.regions, [](const Region& g) {
      RegionRecord r{};
      r.address = g.address;
      r.length = g.length;
      r.alloc_tick = g.alloc_tick;
      r.stack_id = g.stack_id;
      r.thread_id = g.thread_id;
      r.prot = g.prot;
      r.map_flags = g.map_flags;
      r.api = static_cast<uint8_t>(g.api);
      r.flags = g.flags;
      return r;
    });
  if (m.caps.arenas || !m.arenas.empty())
    e.put_array<ArenaRecord>(SectionType::kArenas, m.arenas, [](const Arena& a) {
      ArenaRecord r{};
      r.address = a.address;
      r.system_current = a.system_current;
      r.system_max = a.system_max;
      r.aspace_total = a.aspace_total;
      r.aspace_mprotect = a.aspace_mprotect;
      r.free_fast_count = a.free_fast_count;
      r.free_fast_bytes = a.free_fast_bytes;
      r.free_rest_count = a.free_rest_count;
      r.free_rest_bytes = a.free_rest_bytes;
      r.index = a.index;
      r.is_main = a.is_main;
      return r;
    });
  if (!m.sites.empty())
    e.put_array<SiteRecord>(SectionType::kSites, m.sites, [](const Site& s) {
      return SiteRecord{s.stack_id, 0, s.allocs, s.frees, s.bytes_allocated, s.bytes_freed};
    });
  if (m.caps.time_series || !m.samples.empty())
    e.put_array<SampleRecord>(SectionType::kTimeSeries, m.samples, [](const Sample& s) {
      return SampleRecord{s.monotonic_ns, s.heap_bytes, s.heap_blocks,
                          s.mmap_bytes,   s.rss_bytes,  s.private_bytes};
    });
  if (!m.threads.empty()) {
    e.begin(SectionType::kThreads);
    e.put(static_cast<uint32_t>(m.threads.size()));
    for (const ThreadInfo& t : m.threads) {
      e.put(ThreadRecord{t.tid, static_cast<uint32_t>(t.name.size()), t.stack_start, t.stack_end});
      e.put_bytes(t.name);
    }
    e.end();
  }
  TrackerStatsRecord stats{};
  stats.total_allocs = m.stats.total_allocs;
  stats.total_frees = m.stats.total_frees;
  stats.mismatched_frees = m.stats.mismatched_frees;
  stats.unknown_frees = m.stats.unknown_frees;
  stats.truncated_stacks = m.stats.truncated_stacks;
  stats.tracker_bytes = m.stats.tracker_bytes;
  stats.dropped_events = m.stats.dropped_events;
  stats.skipped_snapshots = m.stats.skipped_snapshots;
  e.begin(SectionType::kTrackerStats);
  e.put(stats);
  e.end();
  const std::pair<SectionType, const std::string*> texts[] = {
      {SectionType::kProcStatus, &m.proc_status},
      {SectionType::kSmaps, &m.smaps},
      {SectionType::kSmapsRollup, &m.smaps_rollup}};
  for (const auto& [type, text] : texts) {
    if (text->empty()) continue;
    e.begin(type);
    e.put_bytes(*text);
    e.end();
  }
  e.check(writer.finish());
}

}  // namespace leakdbg::fmt
