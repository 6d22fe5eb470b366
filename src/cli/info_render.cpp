#include "cli/info_render.h"

#include <cstdio>
#include <ctime>

#include "format/snapshot_reader.h"
#include "util/terminal_text.h"
#include "util/units.h"

namespace leakdbg::cli {
namespace {

std::string allocator_name(uint8_t allocator) {
  switch (allocator) {
    case 1:
      return "glibc";
    case 2:
      return "other";
    default:
      return "unknown";
  }
}

// "2026-11-26 00:10:03.250 UTC"; empty for 0 (not recorded).
std::string utc_time(uint64_t realtime_ns) {
  if (realtime_ns == 0) return "";
  time_t seconds = static_cast<time_t>(realtime_ns / 1000000000);
  struct tm tm_utc;
  gmtime_r(&seconds, &tm_utc);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm_utc);
  std::snprintf(buf + n, sizeof buf - n, ".%03u UTC",
                static_cast<unsigned>(realtime_ns % 1000000000 / 1000000));
  return buf;
}

std::string hex_string(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string command_line(const HeapModel& m) {
  std::string line;
  for (const std::string& arg : m.argv) line += (line.empty() ? "" : " ") + arg;
  return line.empty() ? m.executable : line;
}

}  // namespace

nlohmann::json info_json(const HeapModel& m, const ModelTotals& t) {
  using nlohmann::json;
  json modules = json::array();
  for (const Module& mod : m.modules)
    modules.push_back({{"path", mod.path},
                       {"build_id", hex_string(mod.build_id)},
                       {"load_bias", format_hex(mod.load_bias)},
                       {"segments", mod.segments.size()},
                       {"unloaded", mod.unloaded},
                       {"is_executable", mod.is_executable}});
  json arenas = json::array();
  for (const Arena& a : m.arenas)
    arenas.push_back({{"index", a.index},
                      {"is_main", a.is_main},
                      {"address", format_hex(a.address)},
                      {"system_current", a.system_current},
                      {"system_max", a.system_max},
                      {"aspace_total", a.aspace_total},
                      {"aspace_mprotect", a.aspace_mprotect},
                      {"free_fast_count", a.free_fast_count},
                      {"free_fast_bytes", a.free_fast_bytes},
                      {"free_rest_count", a.free_rest_count},
                      {"free_rest_bytes", a.free_rest_bytes}});
  json j = {
      {"path", m.source_path},
      {"format_version", m.format_version},
      {"pid", m.pid},
      {"ppid", m.ppid},
      {"sequence", m.sequence},
      {"trigger", std::string(trigger_name(m.trigger))},
      {"label", m.label},
      {"executable", m.executable},
      {"cwd", m.cwd},
      {"argv", m.argv},
      {"allocator", allocator_name(m.allocator)},
      {"max_frames", m.max_frames},
      {"start_time", utc_time(m.start_realtime_ns)},
      {"snapshot_time", utc_time(m.snap_realtime_ns)},
      {"start_realtime_ns", m.start_realtime_ns},
      {"snap_realtime_ns", m.snap_realtime_ns},
      {"uptime_seconds", static_cast<double>(m.snap_monotonic_ns) / 1e9},
      {"tick_ns", m.tick_ns},
      {"blocks", t.blocks},
      {"bytes", t.bytes},
      {"usable_bytes", t.usable_bytes},
      {"mmapped_chunks", t.mmapped_chunks},
      {"mmapped_chunk_bytes", t.mmapped_chunk_bytes},
      {"blocks_with_content", t.content_blocks},
      {"lowest_block", format_hex(t.lowest_address)},
      {"highest_block_end", format_hex(t.highest_end)},
      {"oldest_block_seconds", t.oldest_block_seconds},
      {"mmap_regions", t.anon_regions},
      {"mmap_bytes", t.anon_region_bytes},
      {"file_mappings", t.file_regions},
      {"file_mapping_bytes", t.file_region_bytes},
      {"stacks", t.stacks},
      {"max_stack_depth", t.max_stack_depth},
      {"modules", t.modules},
      {"unloaded_modules", t.unloaded_modules},
      {"module_list", modules},
      {"arenas", arenas},
      {"sites", m.sites.size()},
      {"samples", m.samples.size()},
      {"threads", m.threads.size()},
      {"tracker",
       {{"total_allocs", m.stats.total_allocs},
        {"total_frees", m.stats.total_frees},
        {"mismatched_frees", m.stats.mismatched_frees},
        {"unknown_frees", m.stats.unknown_frees},
        {"truncated_stacks", m.stats.truncated_stacks},
        {"tracker_bytes", m.stats.tracker_bytes},
        {"dropped_events", m.stats.dropped_events},
        {"skipped_snapshots", m.stats.skipped_snapshots}}},
      {"has_proc_status", !m.proc_status.empty()},
      {"has_smaps", !m.smaps.empty()},
      {"has_smaps_rollup", !m.smaps_rollup.empty()},
  };
  return j;
}

std::string info_text(const HeapModel& m, const ModelTotals& t) {
  std::string out;
  // Values hold program arguments, paths and labels: escaped, so they cannot drive the
  // terminal.
  auto row = [&out](const char* key, const std::string& value) {
    char name[16];
    std::snprintf(name, sizeof name, "%-10s ", key);
    out += name + escape_control_chars(value) + "\n";
  };
  row("snapshot", m.source_path + " (format " + std::to_string(m.format_version) + ")");
  row("process", "pid " + std::to_string(m.pid) + " (parent " + std::to_string(m.ppid) +
                     "): " + command_line(m));
  if (!m.cwd.empty()) row("cwd", m.cwd);
  std::string trigger =
      std::string(trigger_name(m.trigger)) + ", sequence " + std::to_string(m.sequence);
  if (!m.label.empty()) trigger += ", label \"" + m.label + "\"";
  row("trigger", trigger);
  if (m.snap_realtime_ns)
    row("taken", utc_time(m.snap_realtime_ns) + ", " +
                     format_duration(static_cast<double>(m.snap_monotonic_ns) / 1e9) +
                     " after tracking started");
  std::string heap = std::to_string(t.blocks) + " blocks, " + format_bytes(t.bytes) + " requested";
  if (t.usable_bytes) heap += " (" + format_bytes(t.usable_bytes) + " usable)";
  if (t.mmapped_chunks)
    heap += ", " + std::to_string(t.mmapped_chunks) + " mmapped chunks of " +
            format_bytes(t.mmapped_chunk_bytes);
  row("heap", heap);
  if (t.blocks && m.tick_ns) row("oldest", format_duration(t.oldest_block_seconds));
  if (m.caps.regions) {
    std::string mmap =
        std::to_string(t.anon_regions) + " anonymous regions, " + format_bytes(t.anon_region_bytes);
    if (t.file_regions)
      mmap += "; " + std::to_string(t.file_regions) + " file mappings, " +
              format_bytes(t.file_region_bytes);
    row("mmap", mmap);
  }
  row("stacks", std::to_string(t.stacks) + " distinct (deepest " +
                    std::to_string(t.max_stack_depth) + " frames, limit " +
                    std::to_string(m.max_frames) + ")");
  std::string modules = std::to_string(t.modules);
  if (t.unloaded_modules) modules += " (" + std::to_string(t.unloaded_modules) + " unloaded)";
  row("modules", modules);
  if (m.caps.arenas) {
    uint64_t system = 0;
    for (const Arena& a : m.arenas) system += a.system_current;
    row("arenas", std::to_string(m.arenas.size()) + " (" + allocator_name(m.allocator) + "), " +
                      format_bytes(system) + " from the system");
  }
  row("sites", std::to_string(m.sites.size()));
  row("samples", std::to_string(m.samples.size()));
  row("threads", std::to_string(m.threads.size()));
  const TrackerStats& s = m.stats;
  row("tracker",
      std::to_string(s.total_allocs) + " allocations, " + std::to_string(s.total_frees) +
          " frees, " + std::to_string(s.mismatched_frees) + " mismatched, " +
          std::to_string(s.unknown_frees) + " unknown frees, " + std::to_string(s.dropped_events) +
          " dropped; own memory " + format_bytes(s.tracker_bytes) +
          (s.skipped_snapshots
               ? "; " + std::to_string(s.skipped_snapshots) + " interval snapshots skipped"
               : std::string()));
  return out;
}

}  // namespace leakdbg::cli
