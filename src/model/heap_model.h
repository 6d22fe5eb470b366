// The heap model: what every analysis command reads, whatever produced it.
//
// Today a tracker snapshot fills it (format/snapshot_reader); later a core-file heap
// walker, a live-process walker and the Windows text importers fill the same structs,
// each with the fields it knows (unknown numbers stay 0, unknown ids stay 0).
// The analysis never asks where a HeapModel came from, only what `capabilities` says it
// holds, so a new source of blocks needs no change in the analysis.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kinds.h"

namespace leakdbg {

std::string_view api_name(ApiKind kind);          // "malloc", "new[]", "mmap", ...
std::string_view trigger_name(Trigger trigger);   // "interval", "request", "exit", ...
std::string_view reach_class_name(ReachClass c);  // "reachable", "unreachable", ...
std::optional<ReachClass> parse_reach_class(std::string_view name);
std::string_view referrer_kind_name(ReferrerKind kind);  // "block", "global", "stack", ...

struct Segment {
  uint64_t start = 0, end = 0, file_offset = 0;
  uint32_t prot = 0;
};

struct Module {
  std::string path;
  std::string build_id;  // raw bytes; empty if the module has none
  uint64_t load_bias = 0;
  std::vector<Segment> segments;
  bool unloaded = false;
  bool is_executable = false;

  bool contains(uint64_t address) const;
};

// A resolved frame. Sources that already hold symbols (imported WinDbg/UMDH text) fill
// these directly; tracker snapshots hold only addresses until the symbolizer runs.
struct SymbolicFrame {
  uint64_t address = 0;
  std::string module;    // file name of the module ("libplugin.so"), or the text's module
  std::string function;  // demangled; empty if unknown
  std::string file;      // source file; empty if unknown
  uint32_t line = 0;
  uint64_t offset = 0;   // address - function start (or - module base if no function)
  bool inlined = false;  // expanded from inline information
  // Another function of this name exists in its scope: short names keep the parameters.
  bool overloaded = false;
};

struct Stack {
  uint32_t id = 0;               // >= 1
  std::vector<uint64_t> frames;  // return addresses, innermost first
  // Filled by sources that carry symbols instead of addresses (one entry per frame).
  std::vector<SymbolicFrame> symbols;
};

struct Block {
  uint64_t address = 0;
  uint64_t size = 0;    // requested
  uint64_t usable = 0;  // 0 if unknown
  uint64_t alloc_tick = 0;
  uint32_t stack_id = 0;
  uint32_t thread_id = 0;
  uint16_t arena = kArenaUnknown;
  ApiKind api = ApiKind::kUnknown;
  uint8_t flags = 0;  // BlockFlags
  uint8_t content[16] = {};
  // Reachability (kUnknown when the snapshot has none): the class, and the parent, the
  // referrer on the shortest chain from a root (or from the unreachable block heading it).
  ReachClass reach = ReachClass::kUnknown;
  ReferrerKind parent_kind = ReferrerKind::kNone;
  uint16_t referrer_count = 0;  // pointers to the block found (saturated at 65535)
  uint32_t parent_tid = 0;
  uint64_t parent_slot = 0;  // address of the pointing word (register number)

  bool mmapped_chunk() const { return flags & kBlockMmappedChunk; }
  bool content_valid() const { return flags & kBlockContentValid; }
};

struct Region {
  uint64_t address = 0, length = 0, alloc_tick = 0;
  uint32_t stack_id = 0, thread_id = 0;
  int32_t prot = 0, map_flags = 0;
  ApiKind api = ApiKind::kMmap;
  uint8_t flags = 0;  // RegionFlags
  // Reachability, as for a Block (Capabilities::region_classes): private anonymous regions
  // are classified, the others stay kUnknown.
  ReachClass reach = ReachClass::kUnknown;
  ReferrerKind parent_kind = ReferrerKind::kNone;
  uint16_t referrer_count = 0;
  uint32_t parent_tid = 0;
  uint64_t parent_slot = 0;

  bool file_backed() const { return flags & kRegionFile; }
};

struct Arena {
  uint32_t index = 0;
  bool is_main = false;
  uint64_t address = 0;
  uint64_t system_current = 0, system_max = 0;
  uint64_t aspace_total = 0, aspace_mprotect = 0;
  uint64_t free_fast_count = 0, free_fast_bytes = 0;
  uint64_t free_rest_count = 0, free_rest_bytes = 0;
  // Figures only imported WinDbg `!heap -s` text carries (0 / empty from other sources).
  // There aspace_total holds "Reserv", system_current "Commit", free_rest_bytes "Free",
  // free_rest_count the free list length.
  uint64_t heap_flags = 0;          // HEAP_* flags of the heap
  uint64_t virtual_bytes = 0;       // "Virt (k)" column, in bytes
  uint64_t uncommitted_ranges = 0;  // "UCR"
  uint64_t virtual_blocks = 0;      // large blocks served outside the segments
  uint64_t lock_contention = 0;
  std::string front_end;  // "LFH" or empty
  // How the source names the heap: a Windows heap handle as WinDbg prints it ("0a3c0000",
  // "0000015d85bb0000"). Empty for glibc arenas, which are "main" and "arenaN".
  std::string name;
  // False when the source names the heap but gives none of its figures (a `!heap -stat`
  // or `-flt` listing without `!heap -s`): reserved, committed and free are unknown.
  bool figures_known = true;
  // Busy bytes of the whole heap as the source states them, when it lists only part of
  // them (`!heap -stat` shows its top groups with their share of the total); 0 if unknown.
  uint64_t stated_busy_bytes = 0;
};

struct Site {
  uint32_t stack_id = 0;
  uint64_t allocs = 0, frees = 0, bytes_allocated = 0, bytes_freed = 0;
};

struct Sample {
  uint64_t monotonic_ns = 0, heap_bytes = 0, heap_blocks = 0, mmap_bytes = 0;
  uint64_t rss_bytes = 0, private_bytes = 0;
};

struct ThreadInfo {
  uint32_t tid = 0;
  std::string name;
  uint64_t stack_start = 0, stack_end = 0;
};

// One pointer to a block: where it is (a word of another block, of a module's globals or
// other memory, of a thread's stack, TLS or registers).
struct Referrer {
  uint64_t target = 0;  // address of the block pointed at
  uint64_t slot = 0;    // address of the pointing word; register number for registers
  uint32_t tid = 0;
  ReferrerKind kind = ReferrerKind::kNone;
};

// How the reachability scan of a snapshot went (HeapModel::reachability).
struct ReachabilityInfo {
  bool attempted = false;
  ReachStatus status = ReachStatus::kComplete;
  uint32_t threads_stopped = 0;
  uint64_t pause_ns = 0, scan_ns = 0, root_bytes = 0, block_bytes = 0;
  uint64_t referrers_found = 0, referrers_dropped = 0;
  uint64_t fork_ns = 0;      // of pause_ns, the copy of the process (0: not recorded)
  uint64_t scan_cpu_ns = 0;  // CPU time of the scan (0: not recorded)
};
std::string_view reach_status_name(ReachStatus status);  // "complete", ...

struct TrackerStats {
  uint64_t total_allocs = 0, total_frees = 0, mismatched_frees = 0, unknown_frees = 0;
  uint64_t truncated_stacks = 0, tracker_bytes = 0, dropped_events = 0;
  uint64_t skipped_snapshots = 0;  // interval snapshots not taken: the one before overran
};

// What a source could tell. Commands that need a missing capability say so in one line.
struct Capabilities {
  bool block_addresses = false;       // blocks have real addresses (not imported aggregates)
  bool stacks_are_addresses = false;  // Stack::frames hold addresses to symbolize
  bool contents = false;              // Block::content captured
  bool arenas = false;
  bool regions = false;         // mmap regions tracked
  bool process_memory = false;  // /proc figures recorded
  bool time_series = false;
  // The source prints sizes and counts in hex (WinDbg, UMDH): sizes the user types for it
  // are read as hex, as WinDbg reads them (`blocks --size 30` is 0x30).
  bool sizes_in_hex = false;
  // Blocks carry no allocation time, thread or API (saved text gives none): shown as "-".
  bool no_block_origin = false;
  bool reachability = false;    // Block::reach and the referrers filled
  bool region_classes = false;  // Region::reach filled too
};

// What a reader of saved text could not use or was not given (all zero for snapshots), so
// that answers can say how complete they are.
struct SourceNotes {
  uint64_t skipped_lines = 0;       // lines inside a recognized output that were not understood
  uint64_t first_skipped_line = 0;  // 1-based line number of the first of them
  std::string first_skipped_text;
  uint64_t elisions = 0;         // places where the author cut the output ("....", "[...]")
  bool listing_cut_off = false;  // `!heap -stat` showed only its top groups (max-display)
  // A UMDH comparison without count lines (older UMDH): the old log's block counts are not
  // known; its state holds one block per stack with the stack's bytes.
  bool old_counts_unknown = false;
};

struct HeapModel {
  // Header.
  std::string source_path;  // the file it was read from
  std::string source_kind;  // "ldsnap", "umdh", "windbg-heap-stat", ...
  uint32_t format_version = 0;
  uint32_t pid = 0, ppid = 0;
  uint64_t sequence = 0;
  Trigger trigger = Trigger::kUnknown;
  std::string label, executable, cwd;
  std::vector<std::string> argv;
  uint64_t start_realtime_ns = 0, snap_realtime_ns = 0, snap_monotonic_ns = 0;
  uint64_t tick_ns = 0, current_tick = 0;
  uint8_t allocator = 0, max_frames = 0;
  Capabilities caps;

  std::vector<Module> modules;
  std::vector<Stack> stacks;    // sorted by id
  std::vector<Block> blocks;    // sorted by address
  std::vector<Region> regions;  // sorted by address
  std::vector<Arena> arenas;    // index order
  std::vector<Site> sites;
  std::vector<Sample> samples;  // since the previous snapshot
  std::vector<ThreadInfo> threads;
  TrackerStats stats;
  ReachabilityInfo reachability;
  std::vector<Referrer> referrers;         // besides the blocks' parents; sorted by target
  std::vector<Referrer> region_referrers;  // besides the classified regions' parents; likewise
  std::string proc_status, smaps, smaps_rollup;  // raw /proc text, empty if absent
  SourceNotes notes;

  const Stack* find_stack(uint32_t id) const;                  // nullptr if unknown
  const Block* find_block(uint64_t address) const;             // exact start; nullptr if none
  const Block* find_block_containing(uint64_t address) const;  // interior pointers too
  const Module* find_module(uint64_t address) const;
  uint64_t heap_bytes() const;               // sum of requested sizes of blocks
  uint64_t region_bytes() const;             // anonymous tracked regions
  double age_seconds(const Block& b) const;  // from alloc_tick, current_tick, tick_ns
};

}  // namespace leakdbg
