#include "analysis/analyze_digest.h"

#include <algorithm>
#include <cstring>

#include "analysis/group_key.h"
#include "analysis/retainer_roots.h"
#include "procmem/status.h"

namespace leakdbg::analysis {

namespace {

constexpr uint32_t kNoSlot = UINT32_MAX;

std::string hex_of(std::string_view raw) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Maps a snapshot's stack ids to cells of the digest. Ids are dense in tracker snapshots;
// imports may keep sparse BackTrace numbers, hence the fallback map.
class CellIndex {
 public:
  explicit CellIndex(const HeapModel& model) {
    uint32_t max_id = model.stacks.empty() ? 0 : model.stacks.back().id;
    dense_ = max_id <= 4 * model.stacks.size() + 1024;
    if (dense_) slots_.assign(size_t{max_id} + 1, kNoSlot);
  }
  uint32_t& slot(uint32_t stack_id) {
    if (dense_ && stack_id < slots_.size()) return slots_[stack_id];
    return sparse_.try_emplace(stack_id, kNoSlot).first->second;
  }

 private:
  bool dense_ = false;
  std::vector<uint32_t> slots_;
  std::unordered_map<uint32_t, uint32_t> sparse_;
};

}  // namespace

std::string_view site_kind_name(SiteKind kind) { return kind == SiteKind::kMmap ? "mmap" : "heap"; }

std::string executable_build_id(const HeapModel& model) {
  for (const Module& module : model.modules)
    if (module.is_executable) return hex_of(module.build_id);
  return {};
}

size_t Digester::run_of(const HeapModel& model) {
  for (size_t i = 0; i < runs_.size(); ++i) {
    const RunStacks& run = runs_[i];
    if (run.pid == model.pid && run.start_realtime_ns == model.start_realtime_ns &&
        run.executable == model.executable)
      return i;
  }
  RunStacks run;
  run.pid = model.pid;
  run.start_realtime_ns = model.start_realtime_ns;
  run.executable = model.executable;
  runs_.push_back(std::move(run));
  return runs_.size() - 1;
}

namespace {

// Equal stacks of one run (same addresses, or same symbols for imports, same kind) share
// one id.
StackId intern(RunStacks& run, const Stack* stack, SiteKind kind) {
  std::string key(1, static_cast<char>(kind));
  if (stack) {
    key.append(reinterpret_cast<const char*>(stack->frames.data()),
               stack->frames.size() * sizeof(uint64_t));
    for (const SymbolicFrame& frame : stack->symbols) {
      key += '\n';
      key += frame_identity(frame);
    }
  } else {
    key += '?';
  }
  auto [it, inserted] = run.index.try_emplace(std::move(key), StackId{});
  if (inserted) {
    it->second = static_cast<StackId>(run.stacks.size());
    run.stacks.push_back(stack ? *stack : Stack{});
    run.kinds.push_back(kind);
  }
  return it->second;
}

// Keeps every module the run ever had: a plugin unloaded before the last snapshot still
// names the frames of blocks it left behind.
void keep_modules(RunStacks& run, const HeapModel& model) {
  std::vector<Module> merged = model.modules;
  for (const Module& old : run.modules.modules) {
    bool present = std::any_of(merged.begin(), merged.end(), [&](const Module& m) {
      return m.path == old.path && m.load_bias == old.load_bias;
    });
    if (!present) {
      merged.push_back(old);
      merged.back().unloaded = true;
    }
  }
  HeapModel header;
  header.source_path = model.source_path;
  header.source_kind = model.source_kind;
  header.format_version = model.format_version;
  header.pid = model.pid;
  header.executable = model.executable;
  header.cwd = model.cwd;
  header.caps = model.caps;
  header.modules = std::move(merged);
  run.modules = std::move(header);
  if (run.build_id.empty()) run.build_id = executable_build_id(model);
}

SnapshotDigest describe(const HeapModel& model, size_t run_index) {
  SnapshotDigest digest;
  digest.path = model.source_path;
  digest.source_kind = model.source_kind;
  digest.run = run_index;
  digest.pid = model.pid;
  digest.sequence = model.sequence;
  digest.trigger = model.trigger;
  digest.label = model.label;
  digest.snap_realtime_ns = model.snap_realtime_ns;
  digest.snap_monotonic_ns = model.snap_monotonic_ns;
  digest.current_tick = model.current_tick;
  digest.has_ages = model.tick_ns > 0 && model.current_tick > 0;
  digest.has_regions = model.caps.regions;
  digest.block_counts_known = !model.notes.old_counts_unknown;
  digest.samples = model.samples;
  digest.tracker_bytes = model.stats.tracker_bytes;
  return digest;
}

void read_process_figures(const HeapModel& model, SnapshotDigest& digest) {
  if (model.proc_status.empty()) return;
  procmem::ProcStatus status = procmem::parse_proc_status(model.proc_status);
  if (!status.valid) return;
  digest.has_process = true;
  digest.private_bytes = procmem::private_bytes(status);
  digest.rss_bytes = status.vm_rss;
}

// Survivors are counted against the previous snapshot of the same run, if it came first:
// the tick of that snapshot, or 0 when there is none.
uint64_t survivor_tick(const RunStacks& run, const HeapModel& model, SnapshotDigest& digest) {
  if (!digest.has_ages || !run.last_sequence || *run.last_sequence >= model.sequence ||
      run.last_tick == 0 || run.last_tick > model.current_tick)
    return 0;
  digest.survivor_base = run.last_sequence;
  return run.last_tick;
}

// Adds blocks and regions to the digest's cells, one cell per stack and kind.
class CellCounter {
 public:
  CellCounter(RunStacks& run, const HeapModel& model, SnapshotDigest& digest,
              uint64_t survivor_tick)
      : run_(run),
        model_(model),
        digest_(digest),
        survivor_tick_(survivor_tick),
        heap_cells_(model),
        mmap_cells_(model) {}

  // Returns the cell's index in the digest.
  uint32_t count(uint32_t stack_id, SiteKind kind, uint64_t bytes, uint64_t alloc_tick) {
    const uint32_t slot = cell_for(stack_id, kind);
    StackCell& cell = digest_.cells[slot];
    cell.bytes += bytes;
    ++cell.blocks;
    if (!digest_.has_ages) return slot;
    uint64_t ticks = model_.current_tick > alloc_tick ? model_.current_tick - alloc_tick : 0;
    uint64_t age = ticks * model_.tick_ns;
    cell.oldest_age_ns = std::max(cell.oldest_age_ns, age);
    cell.youngest_age_ns = std::min(cell.youngest_age_ns, age);
    cell.age_sum_ns += static_cast<double>(age);
    if (digest_.survivor_base && alloc_tick <= survivor_tick_) ++cell.survivors;
    return slot;
  }

  StackId stack_of(uint32_t stack_id, SiteKind kind) {
    return digest_.cells[cell_for(stack_id, kind)].id;
  }

 private:
  uint32_t cell_for(uint32_t stack_id, SiteKind kind) {
    uint32_t& slot = (kind == SiteKind::kHeap ? heap_cells_ : mmap_cells_).slot(stack_id);
    if (slot == kNoSlot) {
      slot = static_cast<uint32_t>(digest_.cells.size());
      StackCell cell;
      cell.id = intern(run_, stack_id ? model_.find_stack(stack_id) : nullptr, kind);
      digest_.cells.push_back(cell);
    }
    return slot;
  }

  RunStacks& run_;
  const HeapModel& model_;
  SnapshotDigest& digest_;
  uint64_t survivor_tick_;
  CellIndex heap_cells_, mmap_cells_;
};

// Groups the reachable blocks of each cell by what holds them (HolderCell).
class HolderGrouper {
 public:
  HolderGrouper(const HeapModel& model, SnapshotDigest& digest) : model_(model), digest_(digest) {}

  // `top` (a block or a region) is the first item of the retainer path.
  template <class Item>
  void add(uint32_t cell, const Item& top, std::optional<StackId> container, uint64_t bytes) {
    HolderCell key;
    key.cell = cell;
    key.root = top.parent_kind;
    key.container = container;
    if (top.parent_kind == ReferrerKind::kMemory) {
      if (const Module* module = model_.find_module(top.parent_slot)) {
        key.slot = top.parent_slot;
        key.module = module_index(*module);
      }
    } else {
      key.tid = top.parent_tid;
      name_thread(key.tid);
    }
    const Key id{key.slot, key.cell, key.tid,
                 container ? static_cast<uint32_t>(*container) : UINT32_MAX,
                 static_cast<uint8_t>(key.root)};
    auto [it, inserted] = index_.try_emplace(id, digest_.holders.size());
    if (inserted) digest_.holders.push_back(key);
    HolderCell& holder = digest_.holders[it->second];
    ++holder.blocks;
    holder.bytes += bytes;
  }

 private:
  struct Key {
    uint64_t slot;
    uint32_t cell, tid, container;
    uint8_t root;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      uint64_t h = k.slot * 0x9e3779b97f4a7c15ull;
      h ^= (uint64_t{k.cell} << 32 | k.tid) + 0x7f4a7c159e3779b9ull + (h << 6) + (h >> 2);
      h ^= (uint64_t{k.container} << 8 | k.root) + (h << 6) + (h >> 2);
      return static_cast<size_t>(h);
    }
  };

  uint32_t module_index(const Module& module) {
    auto [it, inserted] =
        modules_.try_emplace(&module, static_cast<uint32_t>(digest_.holder_modules.size()));
    if (inserted) digest_.holder_modules.push_back(module.path);
    return it->second;
  }
  void name_thread(uint32_t tid) {
    if (tid == 0 || digest_.thread_names.count(tid)) return;
    for (const ThreadInfo& thread : model_.threads)
      if (thread.tid == tid) {
        digest_.thread_names[tid] = thread.name;
        return;
      }
    digest_.thread_names[tid] = "";
  }

  const HeapModel& model_;
  SnapshotDigest& digest_;
  std::unordered_map<Key, size_t, KeyHash> index_;
  std::unordered_map<const Module*, uint32_t> modules_;
};

void add_class(StackCell& cell, ReachClass reach, uint64_t bytes) {
  LiveTotal* total = reach == ReachClass::kUnreachable ? &cell.unreachable
                     : reach == ReachClass::kIndirect  ? &cell.indirect
                     : reach == ReachClass::kPossibly  ? &cell.possibly
                     : reach == ReachClass::kUnknown   ? &cell.unclassified
                                                       : nullptr;
  if (!total) return;
  ++total->blocks;
  total->bytes += bytes;
}

// Files what holds item `item` (of retainer_tops' numbering) in `cell`, if a root holds it.
void add_holder(const HeapModel& model, CellCounter& counter, HolderGrouper& holders,
                const std::vector<uint32_t>& tops, size_t item, uint32_t cell, uint64_t bytes) {
  const uint32_t top = tops[item];
  if (top == kNoRetainerTop) return;
  std::optional<StackId> container;
  if (top < model.blocks.size()) {
    const Block& block = model.blocks[top];
    if (top != item) container = counter.stack_of(block.stack_id, SiteKind::kHeap);
    holders.add(cell, block, container, bytes);
  } else {
    const Region& region = model.regions[top - model.blocks.size()];
    if (top != item) container = counter.stack_of(region.stack_id, SiteKind::kMmap);
    holders.add(cell, region, container, bytes);
  }
}

void count_blocks(const HeapModel& model, CellCounter& counter, HolderGrouper& holders,
                  const std::vector<uint32_t>& tops, SnapshotDigest& digest) {
  // Blocks are sorted by address, so their arenas arrive mixed; label each arena once.
  std::vector<std::string> arena_labels;
  for (const Arena& arena : model.arenas) {
    // A heap the source names (a Windows heap handle) keeps its name.
    arena_labels.push_back(!arena.name.empty() ? arena.name
                           : arena.is_main     ? "main arena"
                                               : "arena " + std::to_string(arena.index));
    digest.heap_figures[arena_labels.back()] = arena_figures(arena);
  }
  std::vector<LiveTotal> per_arena(model.arenas.size());
  LiveTotal mmapped_chunks, unknown_heap;
  for (size_t i = 0; i < model.blocks.size(); ++i) {
    const Block& block = model.blocks[i];
    const uint32_t cell =
        counter.count(block.stack_id, SiteKind::kHeap, block.size, block.alloc_tick);
    if (digest.has_reachability) {
      add_class(digest.cells[cell], block.reach, block.size);
      add_holder(model, counter, holders, tops, i, cell, block.size);
    }
    digest.heap.bytes += block.size;
    ++digest.heap.blocks;
    LiveTotal& by_size = digest.sizes[block.size];
    by_size.bytes += block.size;
    ++by_size.blocks;
    LiveTotal* heap = &unknown_heap;
    if (block.mmapped_chunk())
      heap = &mmapped_chunks;
    else if (block.arena < per_arena.size())
      heap = &per_arena[block.arena];
    heap->bytes += block.size;
    ++heap->blocks;
  }
  for (size_t i = 0; i < per_arena.size(); ++i)
    if (per_arena[i].blocks) digest.heaps[arena_labels[i]] = per_arena[i];
  if (mmapped_chunks.blocks) digest.heaps["mmapped chunks"] = mmapped_chunks;
  if (unknown_heap.blocks) digest.heaps["unknown heap"] = unknown_heap;
}

void count_regions(const HeapModel& model, CellCounter& counter, HolderGrouper& holders,
                   const std::vector<uint32_t>& tops, SnapshotDigest& digest) {
  for (size_t r = 0; r < model.regions.size(); ++r) {
    const Region& region = model.regions[r];
    // File mappings are not leak candidates; the tracker keeps them apart.
    if (region.file_backed()) continue;
    const uint32_t cell =
        counter.count(region.stack_id, SiteKind::kMmap, region.length, region.alloc_tick);
    if (digest.has_reachability) {
      add_class(digest.cells[cell], region.reach, region.length);
      add_holder(model, counter, holders, tops, model.blocks.size() + r, cell, region.length);
    }
    digest.mmap.bytes += region.length;
    ++digest.mmap.blocks;
  }
}

}  // namespace

const SnapshotDigest& Digester::add(const HeapModel& model) {
  size_t run_index = run_of(model);
  RunStacks& run = runs_[run_index];
  keep_modules(run, model);
  SnapshotDigest digest = describe(model, run_index);
  read_process_figures(model, digest);
  CellCounter counter(run, model, digest, survivor_tick(run, model, digest));
  digest.has_reachability = model.caps.reachability;
  digest.has_region_classes = model.caps.reachability && model.caps.region_classes;
  const std::vector<uint32_t> tops = retainer_tops(model);
  HolderGrouper holders(model, digest);
  count_blocks(model, counter, holders, tops, digest);
  count_regions(model, counter, holders, tops, digest);
  if (!run.last_sequence || *run.last_sequence < model.sequence) {
    run.last_sequence = model.sequence;
    run.last_tick = model.current_tick;
  }
  // Holders take memory in proportion to the blocks: only the latest are kept.
  if (digest.has_reachability) {
    std::optional<size_t>& kept =
        digest.trigger == Trigger::kExit ? exit_holders_ : running_holders_;
    if (kept) {
      SnapshotDigest& older = digests_[*kept];
      std::vector<HolderCell>().swap(older.holders);
      older.holder_modules.clear();
      older.thread_names.clear();
    }
    kept = digests_.size();
  }
  digests_.push_back(std::move(digest));
  return digests_.back();
}

}  // namespace leakdbg::analysis
