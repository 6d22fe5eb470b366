#include "tracker/reachability.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>

#include "tracker/block_copy.h"
#include "tracker/reach_roots.h"
#include "tracker/reach_scan.h"
#include "tracker/snapshot.h"
#include "tracker/thread_counters.h"
#include "tracker/thread_stop.h"
#include "tracker/tracker_state.h"

namespace leakdbg::tracker {
namespace {

using fmt::ReachStatus;
using fmt::ReferrerKind;

constexpr int kStopTimeoutMs = 2000;
constexpr uint64_t kRedZone = 128;  // below the stack pointer, still the function's (x86_64)
constexpr uint64_t kHeapMaxSize = uint64_t{64} << 20;  // glibc's thread heaps, aligned so
constexpr size_t kHeaderBytes = 4096;

uint32_t g_tracker_tid = 0;
// The tracker library's own writable segments: its globals are not the program's.
uint64_t g_own_module[8][2];
size_t g_own_module_count = 0;
bool g_prepared = false;

// What the scanning copy hands back, at the start of the shared pages; the arrays follow:
// the blocks as the snapshot records them (address order), the classes of the blocks and of
// the classified regions after them, the referrers, then every tracked region and its class
// (region order).
struct SharedResult {
  std::atomic<uint32_t> done;  // 1 when every field below is final
  uint32_t status;             // ReachStatus
  uint64_t block_count, referrer_count, region_count;
  uint64_t region_referrer_count;  // after the blocks' referrers
  uint64_t block_capacity, referrer_capacity, region_capacity;
  uint64_t root_bytes, block_bytes, found, dropped, scan_ns, scan_cpu_ns;
  uintptr_t arenas[256];  // BlockCopy's temporary arena numbering
  int arena_count;
};
static_assert(sizeof(SharedResult) <= kHeaderBytes);

fmt::BlockRecord* shared_blocks(void* shared) {
  return reinterpret_cast<fmt::BlockRecord*>(static_cast<char*>(shared) + kHeaderBytes);
}
fmt::BlockReachRecord* shared_records(void* shared) {
  const auto& r = *static_cast<const SharedResult*>(shared);
  return reinterpret_cast<fmt::BlockReachRecord*>(shared_blocks(shared) + r.block_capacity);
}
fmt::ReferrerRecord* shared_referrers(void* shared) {
  const auto& r = *static_cast<const SharedResult*>(shared);
  return reinterpret_cast<fmt::ReferrerRecord*>(shared_records(shared) + r.block_capacity +
                                                r.region_capacity);
}
fmt::RegionRecord* shared_regions(void* shared) {
  const auto& r = *static_cast<const SharedResult*>(shared);
  return reinterpret_cast<fmt::RegionRecord*>(shared_referrers(shared) + r.referrer_capacity);
}
fmt::BlockReachRecord* shared_region_classes(void* shared) {
  const auto& r = *static_cast<const SharedResult*>(shared);
  return reinterpret_cast<fmt::BlockReachRecord*>(shared_regions(shared) + r.region_capacity);
}

// Regions classified like blocks: the program's private anonymous mappings. A file's
// pages or shared memory may be referenced from elsewhere (another process, the file):
// they stay roots, with no class.
bool classified(const Region& region) {
  return (region.flags & fmt::kRegionAnonymous) && !(region.flags & fmt::kRegionShared) &&
         region.length != 0;
}

int find_own_module(dl_phdr_info* info, size_t, void* data) {
  const auto base = reinterpret_cast<uintptr_t>(data);
  if (info->dlpi_addr != base) return 0;
  for (int i = 0; i < info->dlpi_phnum && g_own_module_count < 8; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_W)) continue;
    const uint64_t start = (info->dlpi_addr + ph.p_vaddr) & ~uint64_t{4095};
    const uint64_t end = (info->dlpi_addr + ph.p_vaddr + ph.p_memsz + 4095) & ~uint64_t{4095};
    g_own_module[g_own_module_count][0] = start;
    g_own_module[g_own_module_count][1] = end;
    ++g_own_module_count;
  }
  return 1;
}

// Once, before the first stop (it takes the loader's lock, which a stopped thread may hold).
bool prepare() {
  if (g_prepared) return true;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&g_own_module_count), &info) && info.dli_fbase) {
    // dli_fbase is the load address of the first segment; dlpi_addr is the load bias, the
    // same for the position-independent library.
    dl_iterate_phdr(find_own_module, info.dli_fbase);
  }
  g_prepared = true;
  return true;
}

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

// ---- In the scanning copy: system calls and the tracker's raw memory only. ----

struct ChildScan {
  SharedResult* result;
  const ThreadStop* stop;
  const StoppedThread* self;  // the snapshot's own thread when it is a program thread
};

// The copy's large working arrays are read at random (the index, the blocks' bounds, the
// marks): huge pages spare a page walk on most reads.
void prefer_huge_pages(ByteBuffer& buffer, size_t bytes) {
  const auto start = reinterpret_cast<uintptr_t>(buffer.data());
  syscall(SYS_madvise, start, round_up_to_pages(bytes), MADV_HUGEPAGE);
}

// Every live block of this image, sorted by address, and the scan's view of them.
bool collect_blocks(ByteBuffer& live, ByteBuffer& blocks, uint64_t capacity) {
  if (!live.reserve(capacity * sizeof(LiveBlock)) || !blocks.reserve(capacity * sizeof(ScanBlock)))
    return false;
  prefer_huge_pages(blocks, capacity * sizeof(ScanBlock));
  // The table's blocks (large ones, or those the shadow could not take: most of them in a
  // heap of blocks of a few hundred bytes), sorted, go in among the shadow's as its walk
  // reaches them: the walk gives its blocks in address order already.
  ByteBuffer table;
  const size_t table_capacity = std::min<uint64_t>(g_live.total_blocks(), capacity);
  if (!table.reserve((table_capacity + 1) * sizeof(LiveBlock))) return false;
  for (int s = 0; s < LiveTable::kShardCount; ++s) {
    LiveTable::Shard& shard = g_live.shard(s);
    if (shard.slots == nullptr) continue;
    for (uint32_t i = 0; i < shard.capacity; ++i) {
      if (shard.slots[i].key == 0) continue;
      const LiveBlock b = LiveTable::unpack(shard.slots[i]);
      if (!table.append(&b, sizeof b)) return false;
    }
  }
  auto* from_table = reinterpret_cast<LiveBlock*>(table.data());
  const size_t table_count = table.size() / sizeof(LiveBlock);
  std::sort(from_table, from_table + table_count,
            [](const LiveBlock& a, const LiveBlock& b) { return a.address < b.address; });
  auto* out = reinterpret_cast<LiveBlock*>(live.data());
  auto* scan_out = reinterpret_cast<ScanBlock*>(blocks.data());
  size_t count = 0, next = 0;
  bool fits = true;
  auto add = [&](const LiveBlock& b) {
    if (count == capacity) {
      fits = false;
      return;
    }
    out[count] = b;
    scan_out[count++] = ScanBlock{b.address, b.size};
  };
  g_shadow.for_each_block_quiescent([&](const LiveBlock& b) {
    while (next < table_count && from_table[next].address < b.address) add(from_table[next++]);
    add(b);
  });
  while (next < table_count) add(from_table[next++]);
  live.commit(count * sizeof(LiveBlock));
  blocks.commit(count * sizeof(ScanBlock));
  return fits;
}

// Faults in the shared pages the copy is about to fill, in one system call rather than a
// fault for each page (Linux 5.14; without it the writes fault them in as before).
void populate(void* start, size_t bytes) {
  const auto first = reinterpret_cast<uintptr_t>(start) & ~uintptr_t{4095};
  const auto end = reinterpret_cast<uintptr_t>(start) + bytes;
  if (end > first) syscall(SYS_madvise, first, round_up_to_pages(end - first), MADV_POPULATE_WRITE);
}

// Referrers beyond the parents, at most this many in all: roots' come first (they are
// scanned first), then blocks' in breadth-first order. With a quarter of one per block the
// snapshot stays within 1.3 times its size without reachability (bench/RESULTS.md).
uint64_t referrer_budget(uint64_t blocks) { return blocks / 4 + 1024; }
// Regions are few and large: each may keep as many referrers as `block` lists.
uint64_t region_referrer_budget(uint64_t regions) {
  return regions * ReachScan::kReferrersKeptPerBlock;
}

// Drops the referrers that are their item's parent (the item's own record has it) and
// orders the rest: the blocks' first, then the classified regions' (their own section), each
// sorted by target, which the reader needs and which compresses best. `records` holds the
// blocks' classes, then the regions' (items `block_count` on, as `items` lists them). Returns
// how many are left; `region_kept` gets how many of them are the regions'.
size_t keep_other_referrers(const BlockIndex& index, const ScanBlock* items, size_t block_count,
                            size_t item_count, const fmt::BlockReachRecord* records,
                            fmt::ReferrerRecord* referrers, size_t count, size_t& region_kept) {
  auto region_of = [&](uint64_t target) -> long {
    const ScanBlock* at = std::lower_bound(
        items + block_count, items + item_count, target,
        [](const ScanBlock& item, uint64_t value) { return item.address < value; });
    return at != items + item_count && at->address == target ? at - items : -1;
  };
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    const fmt::ReferrerRecord& r = referrers[i];
    long at = index.find(r.target);
    if (at < 0) at = region_of(r.target);
    if (at < 0) continue;
    if (records[at].parent_slot == r.slot && records[at].parent_kind == r.kind &&
        records[at].parent_tid == r.tid)
      continue;
    referrers[kept] = r;
    referrers[kept].reserved[0] = at >= static_cast<long>(block_count);  // sort key only
    ++kept;
  }
  std::sort(referrers, referrers + kept,
            [](const fmt::ReferrerRecord& a, const fmt::ReferrerRecord& b) {
              if (a.reserved[0] != b.reserved[0]) return a.reserved[0] < b.reserved[0];
              return a.target != b.target ? a.target < b.target : a.slot < b.slot;
            });
  region_kept = 0;
  for (size_t i = 0; i < kept; ++i) {
    region_kept += referrers[i].reserved[0];
    referrers[i].reserved[0] = 0;
  }
  return kept;
}

bool add_range(ByteBuffer& ranges, uint64_t start, uint64_t end) {
  uint64_t r[2] = {start, end};
  return ranges.append(r, sizeof r);
}

// The mapping's end above `sp`: a thread's stack and, above it, its TLS and thread control
// block (glibc puts both at the top of a thread's stack mapping).
uint64_t stack_top(const MapRange* maps, size_t count, uint64_t sp) {
  long m = find_map(maps, count, sp);
  return m < 0 ? 0 : maps[m].end;
}

// Where a thread's stack ends: the kernel merges neighbouring anonymous mappings with the
// same permissions, so the mapping holding the stack pointer may go on over regions the
// program mapped above the stack; the stack ends where the region holding the stack pointer
// ends, else where the first region above it starts. `regions` sorted by address.
uint64_t stack_end(uint64_t mapping_end, uint64_t sp, const ScanBlock* regions, size_t count) {
  const ScanBlock* above = std::upper_bound(
      regions, regions + count, sp, [](uint64_t v, const ScanBlock& r) { return v < r.address; });
  if (above != regions && sp < block_end(above[-1]))
    return std::min(mapping_end, block_end(above[-1]));
  if (above != regions + count && above->address < mapping_end) return above->address;
  return mapping_end;
}

ReachStatus scan_in_child(const ChildScan& job) {
  const uint64_t start = now_ns();
  SharedResult& result = *job.result;
  ByteBuffer live_buffer, block_buffer, maps_text, maps_buffer, excluded, state_buffer,
      queue_buffer, index_buffer;
  if (!collect_blocks(live_buffer, block_buffer, result.block_capacity))
    return ReachStatus::kTooManyBlocks;
  const size_t count = block_buffer.size() / sizeof(ScanBlock);
  // The tracked regions; the classified ones follow the blocks as scan items.
  ByteBuffer region_buffer;
  if (!g_regions.copy_to(region_buffer)) return ReachStatus::kOutOfMemory;
  const auto* regions = reinterpret_cast<const Region*>(region_buffer.data());
  const size_t region_count = region_buffer.size() / sizeof(Region);
  if (region_count > result.region_capacity) return ReachStatus::kTooManyBlocks;
  for (size_t i = 0; i < region_count; ++i) {
    if (!classified(regions[i])) continue;
    const ScanBlock item{regions[i].address, regions[i].length};
    if (!block_buffer.append(&item, sizeof item)) return ReachStatus::kOutOfMemory;
  }
  const auto* blocks = reinterpret_cast<const ScanBlock*>(block_buffer.data());
  const size_t items = block_buffer.size() / sizeof(ScanBlock);
  if (!read_own_maps(maps_text, maps_buffer)) return ReachStatus::kScanFailed;
  const auto* maps = reinterpret_cast<const MapRange*>(maps_buffer.data());
  const size_t map_count = maps_buffer.size() / sizeof(MapRange);

  // Not roots: the tracker's memory and globals, the heap, the thread stacks (scanned from
  // their stack pointers below).
  if (!own_ranges_complete()) return ReachStatus::kOutOfMemory;
  constexpr size_t kMaxOwn = 16384;
  char* own = excluded.extend(kMaxOwn * 16);
  if (!own) return ReachStatus::kOutOfMemory;
  size_t own_count = copy_own_ranges(reinterpret_cast<uint64_t(*)[2]>(own), kMaxOwn);
  if (own_count > kMaxOwn) return ReachStatus::kOutOfMemory;
  excluded.commit(own_count * 16);
  bool ok = true;
  for (size_t i = 0; i < g_own_module_count; ++i)
    ok = ok && add_range(excluded, g_own_module[i][0], g_own_module[i][1]);
  for (size_t i = 0; i < map_count; ++i)
    if (maps[i].heap) ok = ok && add_range(excluded, maps[i].start, maps[i].end);
  // Classified regions are scanned when a chain reaches them, not as roots.
  for (size_t i = count; i < items; ++i)
    ok = ok && add_range(excluded, blocks[i].address, block_end(blocks[i]));
  // Blocks come in address order: most lie in the mapping of the block before them.
  long last_map = -1;
  auto mapped = [&](uint64_t address) {
    if (last_map >= 0 && maps[last_map].start <= address && address < maps[last_map].end)
      return true;
    last_map = find_map(maps, map_count, address);
    return last_map >= 0;
  };
  uint64_t last_thread_heap = 0;
  for (size_t i = 0; i < count && ok; ++i) {
    const uint64_t address = blocks[i].address;
    // Each header is on a line of its own, in address order but too far apart for the
    // hardware to guess.
    if (i + 16 < count)
      __builtin_prefetch(reinterpret_cast<const char*>(blocks[i + 16].address) - 8);
    if (!mapped(address - 16) || !mapped(address))
      return ReachStatus::kScanFailed;  // a block that is not mapped: the table is wrong
    if (blocks[i].size > 8 && !mapped(address + blocks[i].size - 1))
      return ReachStatus::kScanFailed;
    if (!g_allocator_is_glibc) continue;
    const uint64_t header = *reinterpret_cast<const uint64_t*>(address - 8);
    if (header & 2) {  // IS_MMAPPED: the chunk's own mapping, prev_size bytes before it
      const uint64_t chunk = address - 16;
      const uint64_t before = *reinterpret_cast<const uint64_t*>(chunk);
      ok = add_range(excluded, chunk - before, chunk + (header & ~uint64_t{7}));
    } else if (header & 4) {  // NON_MAIN_ARENA: a thread heap, the whole aligned reservation
      const uint64_t heap = (address - 16) & ~(kHeapMaxSize - 1);
      if (heap != last_thread_heap) ok = add_range(excluded, heap, heap + kHeapMaxSize);
      last_thread_heap = heap;
    }
  }
  const ThreadStop& stop = *job.stop;
  for (uint32_t i = 0; i < stop.count && ok; ++i) {
    long m = find_map(maps, map_count, stop.threads[i].sp);
    if (m >= 0) ok = add_range(excluded, maps[m].start, maps[m].end);
  }
  if (job.self) {
    long self_map = find_map(maps, map_count, job.self->sp);
    if (ok && self_map >= 0) ok = add_range(excluded, maps[self_map].start, maps[self_map].end);
  }
  if (!ok) return ReachStatus::kOutOfMemory;
  auto* ex = reinterpret_cast<uint64_t(*)[2]>(excluded.data());
  const size_t ex_count = merge_ranges(ex, excluded.size() / 16);

  // Where the regions may be read: the readable mappings of this image.
  ByteBuffer readable_buffer;
  for (size_t i = 0; i < map_count && ok; ++i)
    if (maps[i].readable && !maps[i].device)
      ok = add_range(readable_buffer, maps[i].start, maps[i].end);
  if (!ok) return ReachStatus::kOutOfMemory;

  auto* out = shared_records(job.result);
  auto* referrers = shared_referrers(job.result);
  populate(out, items * sizeof(fmt::BlockReachRecord));
  if (!state_buffer.reserve((items + 1) * sizeof(ScanMark)) ||
      !queue_buffer.reserve((items + 1) * 4) ||
      !index_buffer.reserve(BlockIndex::memory_bytes(blocks, count) + 8))
    return ReachStatus::kOutOfMemory;
  prefer_huge_pages(state_buffer, (items + 1) * sizeof(ScanMark));
  prefer_huge_pages(queue_buffer, (items + 1) * 4);
  prefer_huge_pages(index_buffer, BlockIndex::memory_bytes(blocks, count) + 8);
  BlockIndex index;
  index.build(blocks, count, index_buffer.data());
  ReachScan scan(
      blocks, items, out, reinterpret_cast<uint32_t*>(queue_buffer.data()),
      reinterpret_cast<ScanMark*>(state_buffer.data()), referrers,
      std::min<uint64_t>(result.referrer_capacity,
                         referrer_budget(count) + region_referrer_budget(items - count)));
  scan.use_index(&index);
  scan.use_regions(count, reinterpret_cast<const uint64_t(*)[2]>(readable_buffer.data()),
                   readable_buffer.size() / 16);

  // Roots: every readable and writable mapping, minus the above.
  for (size_t i = 0; i < map_count; ++i) {
    if (!maps[i].readable || !maps[i].writable || maps[i].device) continue;
    subtract_ranges(maps[i].start, maps[i].end, ex, ex_count, [&](uint64_t b, uint64_t e) {
      scan.scan_root(RootRange{b, e, 0, ReferrerKind::kMemory});
    });
  }
  // Each stopped thread: its registers, and its stack from the stack pointer (less the red
  // zone) to the top of the mapping, where its TLS lies too.
  auto thread_roots = [&](const StoppedThread& t, uint64_t red_zone) {
    const uint32_t tid = t.tid.load(std::memory_order_relaxed);
    const uint64_t top =
        stack_end(stack_top(maps, map_count, t.sp), t.sp, blocks + count, items - count);
    if (top) {
      uint64_t from = t.sp - red_zone;
      if (find_map(maps, map_count, from) < 0) from = t.sp;
      scan.scan_root(RootRange{from, top, tid, ReferrerKind::kStack});
    }
    const auto words = reinterpret_cast<uint64_t>(t.words);
    scan.scan_root(
        RootRange{words, words + t.word_count * 8, tid, ReferrerKind::kRegister, true, 0});
    // glibc's thread control block points one element into the thread's DTV, which the
    // runtime keeps as long as the thread lives: not a "possibly lost" block.
#if defined(__x86_64__)
    const uint64_t dtv_slot = t.thread_pointer + 8;
#else
    const uint64_t dtv_slot = t.thread_pointer;
#endif
    if (t.thread_pointer && find_map(maps, map_count, dtv_slot) >= 0)
      scan.hold(*reinterpret_cast<const uint64_t*>(dtv_slot), dtv_slot, ReferrerKind::kTls, tid);
    // A stack the program mapped or allocated itself is in use while a thread runs on it,
    // and a signal stack while the kernel holds it.
    scan.hold(t.sp, t.sp, ReferrerKind::kStack, tid);
    if (t.altstack) scan.hold(t.altstack, t.altstack, ReferrerKind::kStack, tid);
  };
  for (uint32_t i = 0; i < stop.count; ++i)
    if (!stop.threads[i].gone) thread_roots(stop.threads[i], kRedZone);
  // The snapshot's own thread runs on below the saved point (in this copy too).
  if (job.self) thread_roots(*job.self, 0);
  scan.run();

  size_t region_kept = 0;
  const size_t kept = keep_other_referrers(index, blocks, count, items, out, referrers,
                                           scan.referrers_kept(), region_kept);

  // The snapshot's blocks are this image's: classes and blocks describe the same moment.
  BlockCopy copy;
  if (!reserve_more(copy, count)) return ReachStatus::kOutOfMemory;
  const auto* live = reinterpret_cast<const LiveBlock*>(live_buffer.data());
  fmt::BlockRecord* records = shared_blocks(job.result);
  populate(records, count * sizeof(fmt::BlockRecord));
  for (size_t i = 0; i < count; ++i) {
    if (i + 16 < count) __builtin_prefetch(reinterpret_cast<const char*>(live[i + 16].address) - 8);
    fill_record(copy, live[i], records[i]);
  }
  // Every region of this moment, with its class (unknown for those not classified).
  fmt::RegionRecord* region_records = shared_regions(job.result);
  fmt::BlockReachRecord* region_classes = shared_region_classes(job.result);
  for (size_t i = 0, item = count; i < region_count; ++i) {
    region_records[i] = to_record(regions[i]);
    region_classes[i] = classified(regions[i]) ? out[item++] : fmt::BlockReachRecord{};
  }
  result.region_count = region_count;
  for (int i = 0; i < copy.arena_count; ++i) result.arenas[i] = copy.arenas[i];
  result.arena_count = copy.arena_count;
  result.block_count = count;
  result.referrer_count = kept - region_kept;
  result.region_referrer_count = region_kept;
  result.root_bytes = scan.root_bytes();
  result.block_bytes = scan.block_bytes();
  result.found = scan.referrers_found();
  result.dropped = scan.referrers_dropped();
  result.scan_ns = now_ns() - start;
  timespec cpu;
  result.scan_cpu_ns = clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0
                           ? uint64_t(cpu.tv_sec) * 1'000'000'000ull + uint64_t(cpu.tv_nsec)
                           : 0;
  return ReachStatus::kComplete;
}

[[noreturn]] void run_child(const ChildScan& job) {
  job.result->status = static_cast<uint32_t>(scan_in_child(job));
  job.result->done.store(1, std::memory_order_release);
  syscall(SYS_exit_group, 0);
  __builtin_unreachable();
}

}  // namespace

__thread ucontext_t t_snapshot_caller __attribute__((tls_model("initial-exec")));
__thread bool t_snapshot_caller_valid __attribute__((tls_model("initial-exec"))) = false;

void set_tracker_thread_id(uint32_t tid) { g_tracker_tid = tid; }

bool wants_reachability(fmt::Trigger trigger, bool forced) {
  if (forced) return true;
  return (g_config.reachability_triggers >> static_cast<unsigned>(trigger)) & 1u;
}

void begin_reachability(ReachabilityRun& run) {
  run.attempted = true;
  auto fail = [&](ReachStatus status) { run.record.status = static_cast<uint32_t>(status); };
#if !defined(__x86_64__) && !defined(__aarch64__)
  fail(ReachStatus::kUnsupported);
  return;
#endif
  if (!g_allocator_is_glibc) return fail(ReachStatus::kUnsupported);
  if (!prepare() || !prepare_thread_stop()) return fail(ReachStatus::kSignalTaken);
  const uint32_t self = static_cast<uint32_t>(syscall(SYS_gettid));

  // Room for the answer, sized before the stop (no allocation while threads are stopped).
  const uint64_t live = live_totals().blocks;
  const uint64_t block_capacity = live + live / 4 + 65536;
  const uint64_t regions = g_regions.count();
  const uint64_t region_capacity = regions + regions / 4 + 256;
  const uint64_t referrer_capacity =
      referrer_budget(block_capacity) + region_referrer_budget(region_capacity);
  run.shared_bytes =
      kHeaderBytes + block_capacity * (sizeof(fmt::BlockRecord) + sizeof(fmt::BlockReachRecord)) +
      referrer_capacity * sizeof(fmt::ReferrerRecord) +
      region_capacity * (sizeof(fmt::RegionRecord) + 2 * sizeof(fmt::BlockReachRecord));
  run.shared = map_shared_pages(run.shared_bytes);
  if (!run.shared) return fail(ReachStatus::kOutOfMemory);
  auto* result = static_cast<SharedResult*>(run.shared);
  result->block_capacity = block_capacity;
  result->referrer_capacity = referrer_capacity;
  result->region_capacity = region_capacity;

  // A program thread taking the snapshot itself: its context as its entry point saved it.
  StoppedThread caller{};
  const bool caller_known = self != g_tracker_tid && t_snapshot_caller_valid;
  if (caller_known) save_thread_context(&t_snapshot_caller, caller);
  if (self != g_tracker_tid && !caller_known) return fail(ReachStatus::kUnsupported);

  const uint64_t stop_start = now_ns();
  ThreadStop stop;
  stop_other_threads(stop, self == g_tracker_tid ? 0 : g_tracker_tid, kStopTimeoutMs);
  long child = -1;
  if (stop.all_answered) {
    ChildScan job{result, &stop, caller_known ? &caller : nullptr};
    // A bare clone: no fork handlers (ours would wait on locks), no SIGCHLD for the
    // program, and wait() without __WALL does not see it.
    const uint64_t fork_start = now_ns();
    child = syscall(SYS_clone, 0, nullptr, nullptr, nullptr, 0);
    if (child == 0) run_child(job);
    run.record.fork_ns = now_ns() - fork_start;
  }
  release_threads(stop);
  run.record.pause_ns = now_ns() - stop_start;
  run.record.threads_stopped = stop.count;
  if (!stop.all_answered) return fail(ReachStatus::kThreadsNotStopped);
  if (child < 0) return fail(ReachStatus::kScanFailed);
  run.child = child;
}

ReachabilityRun::~ReachabilityRun() {
  if (shared) unmap_pages(shared, shared_bytes);
}

bool write_released(fmt::SnapshotWriter& writer, fmt::SectionType type, void* data, size_t bytes,
                    bool (*write)(fmt::SnapshotWriter& writer, void* piece, size_t bytes,
                                  void* context),
                    void* context) {
  constexpr size_t kPiece = size_t{1} << 20;
  constexpr uintptr_t kPage = 4096;
  char* at = static_cast<char*>(data);
  char* const end = at + bytes;
  // Whole pages only: a page shared with the array before or after is kept.
  uintptr_t released = (reinterpret_cast<uintptr_t>(at) + kPage - 1) & ~(kPage - 1);
  if (!writer.begin_section(type)) return false;
  while (at < end) {
    const size_t n = std::min<size_t>(kPiece, size_t(end - at));
    if (!(write ? write(writer, at, n, context) : writer.write(at, n))) return false;
    at += n;
    const uintptr_t done = reinterpret_cast<uintptr_t>(at) & ~(kPage - 1);
    if (done > released) {
      // Shared anonymous memory: MADV_REMOVE frees the pages themselves.
      syscall(SYS_madvise, released, done - released, MADV_REMOVE);
      released = done;
    }
  }
  return writer.end_section();
}

void finish_reachability(ReachabilityRun& run) {
  auto* result = static_cast<SharedResult*>(run.shared);
  if (run.child > 0) {
    int status = 0;
    while (waitpid(static_cast<pid_t>(run.child), &status, __WALL) < 0 && errno == EINTR) {
    }
    if (result->done.load(std::memory_order_acquire) != 1)
      run.record.status = static_cast<uint32_t>(ReachStatus::kScanFailed);
    else
      run.record.status = result->status;
  }
  if (run.child > 0 && run.record.status == static_cast<uint32_t>(ReachStatus::kComplete)) {
    run.record.scan_ns = result->scan_ns;
    run.record.scan_cpu_ns = result->scan_cpu_ns;
    run.record.root_bytes = result->root_bytes;
    run.record.block_bytes = result->block_bytes;
    run.record.referrers_found = result->found;
    run.record.referrers_dropped = result->dropped;
    run.blocks = shared_blocks(run.shared);
    run.block_count = result->block_count;
    run.classes = shared_records(run.shared);
    run.referrers = shared_referrers(run.shared);
    run.referrer_count = result->referrer_count;
    run.region_referrers = run.referrers + result->referrer_count;
    run.region_referrer_count = result->region_referrer_count;
    run.regions = shared_regions(run.shared);
    run.region_classes = shared_region_classes(run.shared);
    run.region_count = result->region_count;
    run.arenas = result->arenas;
    run.arena_count = result->arena_count;
    run.blocks_provided = run.regions_provided = true;
  }
}

}  // namespace leakdbg::tracker
