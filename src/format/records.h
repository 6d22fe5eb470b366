// On-disk records of the .ldsnap snapshot format (spec: docs/snapshot-format.md).
//
// This header is shared by the writer inside the tracker and by the reader on the
// analysis side; it holds only plain fixed-width structs so that neither side drags
// the other's dependencies along. All integers are little-endian; x86_64 and aarch64
// are little-endian, so the structs are written as they lie in memory and the reader
// checks sizes and bounds instead of trusting them.
#pragma once

#include <cstdint>

#include "model/kinds.h"

namespace leakdbg::fmt {

inline constexpr char kMagic[8] = {'L', 'D', 'S', 'N', 'A', 'P', '\r', '\n'};
// 2: the blocks section's encoding (docs/snapshot-format.md, "blocks, version 2"). The
// reader reads both.
inline constexpr uint32_t kFormatVersion = 2;

// File layout: FileHeader, then sections (SectionHeader + payload) until a section of
// type kEnd. Readers skip section types they do not know.
struct FileHeader {
  char magic[8];
  uint32_t version;      // kFormatVersion of the writer
  uint32_t header_size;  // sizeof(FileHeader) of the writer: lets later versions grow it
};
static_assert(sizeof(FileHeader) == 16);

// The kinds and flags stored in records are the model's (model/kinds.h); the numbers are
// part of this format.
using ::leakdbg::ApiKind;
using ::leakdbg::BlockFlags;
using ::leakdbg::kArenaUnknown;
using ::leakdbg::kBlockContentValid;
using ::leakdbg::kBlockMmappedChunk;
using ::leakdbg::kRegionAnonymous;
using ::leakdbg::kRegionFile;
using ::leakdbg::kRegionShared;
using ::leakdbg::ReachClass;
using ::leakdbg::ReachStatus;
using ::leakdbg::ReferrerKind;
using ::leakdbg::RegionFlags;
using ::leakdbg::Trigger;

enum SectionFlags : uint32_t {
  kSectionZstd = 1u << 0,  // payload is one zstd frame
};

struct SectionHeader {
  uint32_t type;         // SectionType
  uint32_t flags;        // SectionFlags
  uint64_t stored_size;  // bytes of payload in the file
  uint64_t raw_size;     // bytes after decompression
  uint32_t crc32;        // CRC-32 (IEEE) of the stored payload bytes
  uint32_t reserved;
};
static_assert(sizeof(SectionHeader) == 32);

enum class SectionType : uint32_t {
  kMeta = 1,           // MetaRecord + strings
  kModules = 2,        // ModuleRecord list
  kStacks = 3,         // StackRecord list
  kBlocks = 4,         // version 1: BlockRecord array; 2: block_encoding.h
  kMmapRegions = 5,    // RegionRecord array
  kArenas = 6,         // ArenaRecord array
  kSites = 7,          // SiteRecord array
  kProcStatus = 8,     // raw text of /proc/self/status
  kSmaps = 9,          // raw text of /proc/self/smaps
  kSmapsRollup = 10,   // raw text of /proc/self/smaps_rollup
  kTimeSeries = 11,    // SampleRecord array
  kThreads = 12,       // ThreadRecord list
  kTrackerStats = 13,  // TrackerStatsRecord
  kReachability = 14,  // ReachabilityRecord: how the reachability scan went
  kBlockClasses = 15,  // BlockReachRecord array, one per block in blocks-section order
  kReferrers = 16,     // ReferrerRecord array
  // 17: reserved.
  kRegionClasses = 18,    // BlockReachRecord array, one per region in regions-section order
  kRegionReferrers = 19,  // ReferrerRecord array: the classified regions' further referrers
  kEnd = 0xFFFF,
};

// Meta section: this fixed part, then `strings_size` bytes of NUL-terminated strings in
// this order: executable path, label, cwd, then argc command-line arguments.
struct MetaRecord {
  uint32_t pid;
  uint32_t ppid;
  uint64_t sequence;           // 1, 2, 3 ... within one process's series
  uint64_t start_realtime_ns;  // CLOCK_REALTIME at tracker start
  uint64_t snap_realtime_ns;   // CLOCK_REALTIME when the snapshot was taken
  uint64_t snap_monotonic_ns;  // CLOCK_MONOTONIC since tracker start
  uint64_t tick_ns;            // length of one allocation tick (BlockRecord::alloc_tick)
  uint64_t current_tick;       // tick at snapshot time
  uint32_t argc;
  uint8_t trigger;     // Trigger
  uint8_t allocator;   // 0 unknown, 1 glibc, 2 other (jemalloc, tcmalloc...)
  uint8_t max_frames;  // stack depth limit in force
  uint8_t reserved0;
  uint32_t strings_size;
  uint32_t reserved1;
};

// Modules section: u32 count, then per module: ModuleRecord, the path (path_size bytes,
// no NUL), the build-id (build_id_size bytes, raw), then segment_count SegmentRecords.
struct ModuleRecord {
  uint64_t load_bias;  // runtime address = ELF vaddr + load_bias
  uint32_t path_size;
  uint16_t build_id_size;
  uint16_t segment_count;
  uint8_t unloaded;  // dlclose'd, kept because stacks refer to it
  uint8_t is_executable;
  uint8_t reserved[6];
};
struct SegmentRecord {
  uint64_t start;  // runtime addresses
  uint64_t end;
  uint64_t file_offset;
  uint32_t prot;  // PROT_* bits
  uint32_t reserved;
};

// Stacks section: u32 count, then per stack: StackRecord then depth u64 return addresses,
// innermost first, tracker frames already removed. Stack ids are >= 1; 0 means "none".
struct StackRecord {
  uint32_t id;
  uint32_t depth;
};

struct BlockRecord {
  uint64_t address;     // user pointer
  uint64_t size;        // requested size
  uint64_t usable;      // malloc_usable_size at snapshot time (0 if unknown)
  uint64_t alloc_tick;  // coarse tick of the allocation (MetaRecord::tick_ns units)
  uint32_t stack_id;
  uint32_t thread_id;  // kernel tid of the allocating thread
  uint16_t arena;      // index into the Arenas section, kArenaUnknown if not known
  uint8_t api;         // ApiKind
  uint8_t flags;       // BlockFlags
  uint32_t reserved;
  uint8_t content[16];
};
static_assert(sizeof(BlockRecord) == 64);

struct RegionRecord {
  uint64_t address;
  uint64_t length;
  uint64_t alloc_tick;
  uint32_t stack_id;
  uint32_t thread_id;
  int32_t prot;
  int32_t map_flags;  // MAP_* flags as passed
  uint8_t api;        // kMmap or kMremap
  uint8_t flags;      // RegionFlags
  uint8_t reserved[6];
};
static_assert(sizeof(RegionRecord) == 48);

// One glibc arena (a "heap" of `!heap -s`). Index 0 is the main arena. Figures come from
// malloc_info() at snapshot time; fields it does not give are 0.
struct ArenaRecord {
  uint64_t address;          // malloc_state address if known, else 0
  uint64_t system_current;   // <system type="current">
  uint64_t system_max;       // <system type="max">
  uint64_t aspace_total;     // <aspace type="total">
  uint64_t aspace_mprotect;  // <aspace type="mprotect">
  uint64_t free_fast_count;
  uint64_t free_fast_bytes;
  uint64_t free_rest_count;
  uint64_t free_rest_bytes;
  uint32_t index;  // malloc_info's heap nr
  uint8_t is_main;
  uint8_t reserved[3];
};
static_assert(sizeof(ArenaRecord) == 80);

// Per call site (stack) since tracker start.
struct SiteRecord {
  uint32_t stack_id;
  uint32_t reserved;
  uint64_t allocs;
  uint64_t frees;
  uint64_t bytes_allocated;
  uint64_t bytes_freed;
};
static_assert(sizeof(SiteRecord) == 40);

// Sampled at least 10 times a second since the previous snapshot.
struct SampleRecord {
  uint64_t monotonic_ns;  // since tracker start
  uint64_t heap_bytes;    // live requested heap bytes
  uint64_t heap_blocks;
  uint64_t mmap_bytes;  // live tracked anonymous mmap bytes
  uint64_t rss_bytes;
  uint64_t private_bytes;  // RssAnon + VmSwap if cheap, else 0
};
static_assert(sizeof(SampleRecord) == 48);

// Threads section: u32 count, then per thread: ThreadRecord + name (name_size bytes).
struct ThreadRecord {
  uint32_t tid;
  uint32_t name_size;
  uint64_t stack_start;  // 0 if unknown
  uint64_t stack_end;
};

struct TrackerStatsRecord {
  uint64_t total_allocs;
  uint64_t total_frees;
  uint64_t mismatched_frees;   // e.g. new[] released by free
  uint64_t unknown_frees;      // free of a pointer the tracker never saw
  uint64_t truncated_stacks;   // stacks cut at max_frames
  uint64_t tracker_bytes;      // memory the tracker itself holds
  uint64_t dropped_events;     // allocations not recorded (tracker out of memory)
  uint64_t skipped_snapshots;  // interval snapshots not taken: the one before overran
  uint64_t reserved[8];
};
static_assert(sizeof(TrackerStatsRecord) == 128);

// Reachability (docs/snapshot-format.md, sections 14-16).
struct ReachabilityRecord {
  uint32_t status;             // ReachStatus
  uint32_t threads_stopped;    // threads that saved their registers
  uint64_t pause_ns;           // how long the program's threads were stopped
  uint64_t scan_ns;            // how long the scan took (in the background)
  uint64_t root_bytes;         // bytes of roots scanned
  uint64_t block_bytes;        // bytes of blocks scanned
  uint64_t referrers_found;    // pointers into blocks found
  uint64_t referrers_dropped;  // referrers found but not kept (per-block or total limit)
  uint64_t fork_ns;            // of pause_ns, the copy of the process (0: not recorded)
  uint64_t scan_cpu_ns;        // CPU time of the scan (0: not recorded)
};
static_assert(sizeof(ReachabilityRecord) == 72);

// One per block, in the order of the blocks sections. The parent is the referrer on the
// shortest chain from a root (for indirect blocks: from the unreachable block heading it).
struct BlockReachRecord {
  uint64_t parent_slot;     // address of the word pointing at the block (register number)
  uint32_t parent_tid;      // thread of a stack, TLS or register parent
  uint8_t reach_class;      // ReachClass
  uint8_t parent_kind;      // ReferrerKind; kNone: no referrer (e.g. born after the scan)
  uint16_t referrer_count;  // pointers to the block found (saturates at 65535)
};
static_assert(sizeof(BlockReachRecord) == 16);

// Further referrers of a block (or, in the region referrers section, of a classified mmap
// region) besides its parent, up to a limit per block.
struct ReferrerRecord {
  uint64_t target;  // address of the block pointed at
  uint64_t slot;    // address of the pointing word (register number for registers)
  uint32_t tid;     // for stack, TLS and register referrers
  uint8_t kind;     // ReferrerKind
  uint8_t reserved[3];
};
static_assert(sizeof(ReferrerRecord) == 24);

}  // namespace leakdbg::fmt
