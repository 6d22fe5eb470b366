#include "analysis/analyze_digest.h"

#include <algorithm>
#include <cstring>

#include "analysis/group_key.h"
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

uint32_t Digester::intern(RunStacks& run, const Stack* stack, SiteKind kind) {
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
  auto [it, inserted] = run.index.try_emplace(std::move(key), 0);
  if (inserted) {
    it->second = static_cast<uint32_t>(run.stacks.size());
    run.stacks.push_back(stack ? *stack : Stack{});
    run.kinds.push_back(kind);
  }
  return it->second;
}

const SnapshotDigest& Digester::add(const HeapModel& model) {
  size_t run_index = run_of(model);
  RunStacks& run = runs_[run_index];

  // Keep every module the run ever had: a plugin unloaded before the last snapshot still
  // names the frames of blocks it left behind.
  {
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
  digest.samples = model.samples;

  if (!model.proc_status.empty()) {
    procmem::ProcStatus status = procmem::parse_proc_status(model.proc_status);
    if (status.valid) {
      digest.has_process = true;
      digest.private_bytes = procmem::private_bytes(status);
      digest.rss_bytes = status.vm_rss;
    }
  }

  // Survivors are counted against the previous snapshot of the same run, if it came first.
  uint64_t survivor_tick = 0;
  if (digest.has_ages && run.last_sequence && *run.last_sequence < model.sequence &&
      run.last_tick > 0 && run.last_tick <= model.current_tick) {
    survivor_tick = run.last_tick;
    digest.survivor_base = run.last_sequence;
  }

  CellIndex heap_cells(model), mmap_cells(model);
  auto cell_for = [&](CellIndex& index, uint32_t stack_id, SiteKind kind) -> SiteCell& {
    uint32_t& slot = index.slot(stack_id);
    if (slot == kNoSlot) {
      slot = static_cast<uint32_t>(digest.cells.size());
      SiteCell cell;
      cell.stack = intern(run, stack_id ? model.find_stack(stack_id) : nullptr, kind);
      digest.cells.push_back(cell);
    }
    return digest.cells[slot];
  };
  auto count = [&](SiteCell& cell, uint64_t bytes, uint64_t alloc_tick) {
    cell.bytes += bytes;
    ++cell.blocks;
    if (!digest.has_ages) return;
    uint64_t ticks = model.current_tick > alloc_tick ? model.current_tick - alloc_tick : 0;
    uint64_t age = ticks * model.tick_ns;
    cell.oldest_age_ns = std::max(cell.oldest_age_ns, age);
    cell.youngest_age_ns = std::min(cell.youngest_age_ns, age);
    cell.age_sum_ns += static_cast<double>(age);
    if (digest.survivor_base && alloc_tick <= survivor_tick) ++cell.survivors;
  };

  // Blocks are sorted by address, so their arenas arrive mixed; label each arena once.
  std::vector<std::string> arena_labels;
  for (const Arena& arena : model.arenas) {
    arena_labels.push_back(arena.is_main ? "main arena" : "arena " + std::to_string(arena.index));
    digest.heap_system_bytes[arena_labels.back()] = arena.system_current;
  }
  std::vector<LiveTotal> per_arena(model.arenas.size());
  LiveTotal mmapped_chunks, unknown_heap;
  for (const Block& block : model.blocks) {
    count(cell_for(heap_cells, block.stack_id, SiteKind::kHeap), block.size, block.alloc_tick);
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

  for (const Region& region : model.regions) {
    // File mappings are not leak candidates; the tracker keeps them apart.
    if (region.file_backed()) continue;
    count(cell_for(mmap_cells, region.stack_id, SiteKind::kMmap), region.length, region.alloc_tick);
    digest.mmap.bytes += region.length;
    ++digest.mmap.blocks;
  }

  if (!run.last_sequence || *run.last_sequence < model.sequence) {
    run.last_sequence = model.sequence;
    run.last_tick = model.current_tick;
  }
  digests_.push_back(std::move(digest));
  return digests_.back();
}

}  // namespace leakdbg::analysis
