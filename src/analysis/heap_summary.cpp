#include "analysis/heap_summary.h"

#include <sys/mman.h>

#include <algorithm>
#include <map>

namespace leakdbg {

namespace {

// glibc's HEAP_MAX_SIZE on 64-bit without hugetlb: each thread-arena heap reserves this.
constexpr uint64_t kThreadHeapReserve = 64ull << 20;
constexpr uint64_t kPageSize = 4096;

uint64_t round_up(uint64_t value, uint64_t unit) { return (value + unit - 1) / unit * unit; }

// An mmapped chunk's mapping: the chunk header (16 bytes) plus the usable bytes, in pages.
uint64_t mmapped_chunk_mapping(const Block& block) {
  uint64_t payload = std::max(block.usable, block.size);
  return round_up(payload + 16, kPageSize);
}

// Orders rows as summary prints them: arenas by index, then the other kinds.
struct RowOrder {
  bool operator()(const HeapSelector& a, const HeapSelector& b) const {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.arena < b.arena;
  }
};

using FigureMap = std::map<HeapSelector, HeapFigures, RowOrder>;

}  // namespace

HeapFigures arena_figures(const Arena& arena) {
  HeapFigures figures;
  figures.stated_busy_bytes = arena.stated_busy_bytes;
  if (!arena.figures_known) {
    figures.figures_known = false;
    return figures;
  }
  figures.committed = arena.system_current;
  uint64_t held = std::max({arena.system_current, arena.aspace_total, arena.aspace_mprotect});
  // Only glibc thread arenas reserve whole 64 MiB heaps; a named heap (a Windows heap
  // handle) states its own reserve.
  bool glibc_thread_arena = !arena.is_main && arena.name.empty();
  figures.reserved =
      glibc_thread_arena ? round_up(std::max<uint64_t>(held, 1), kThreadHeapReserve) : held;
  figures.free_bytes = arena.free_fast_bytes + arena.free_rest_bytes;
  figures.free_blocks = arena.free_fast_count + arena.free_rest_count;
  return figures;
}

namespace {

FigureMap figures_of(const HeapModel& model) {
  FigureMap map;
  for (const Arena& arena : model.arenas)
    map[{HeapKind::kArena, arena.index}] = arena_figures(arena);
  for (const Block& block : model.blocks) {
    HeapFigures& figures = map[heap_of(block)];
    figures.busy_bytes += block.size;
    ++figures.busy_blocks;
    if (block.mmapped_chunk()) {
      uint64_t mapping = mmapped_chunk_mapping(block);
      figures.reserved += mapping;
      figures.committed += mapping;
    }
  }
  for (const Region& region : model.regions) {
    HeapFigures& figures = map[heap_of(region)];
    figures.busy_bytes += region.length;
    ++figures.busy_blocks;
    figures.reserved += region.length;
    if (region.prot != PROT_NONE) figures.committed += region.length;
  }
  for (auto& [heap, figures] : map)
    if (figures.committed > 0)
      figures.fragmentation =
          static_cast<double>(figures.free_bytes) / static_cast<double>(figures.committed);
  return map;
}

void accumulate(HeapFigures& total, const HeapFigures& row) {
  if (!row.figures_known) total.figures_known = false;
  // Once one heap's busy bytes are only stated, the total is a stated figure too.
  if (total.stated_busy_bytes || row.stated_busy_bytes)
    total.stated_busy_bytes =
        (total.stated_busy_bytes ? total.stated_busy_bytes : total.busy_bytes) +
        (row.stated_busy_bytes ? row.stated_busy_bytes : row.busy_bytes);
  total.reserved += row.reserved;
  total.committed += row.committed;
  total.busy_bytes += row.busy_bytes;
  total.busy_blocks += row.busy_blocks;
  total.free_bytes += row.free_bytes;
  total.free_blocks += row.free_blocks;
  total.fragmentation =
      total.committed ? static_cast<double>(total.free_bytes) / static_cast<double>(total.committed)
                      : 0.0;
}

}  // namespace

HeapSummary summarize_heaps(const HeapModel& model, const HeapModel* base) {
  HeapSummary summary;
  summary.allocator_figures = !model.arenas.empty();
  FigureMap now = figures_of(model);
  FigureMap before = base ? figures_of(*base) : FigureMap{};
  // Rows match by id, not by arena index alone: "main" is main in both snapshots.
  std::map<std::string, const HeapFigures*> before_by_id;
  for (const auto& [heap, figures] : before) before_by_id[heap_id(*base, heap)] = &figures;

  for (const auto& [heap, figures] : now) {
    HeapRow row;
    row.heap = heap;
    row.id = heap_id(model, heap);
    row.alias = heap_alias(model, heap);
    row.now = figures;
    if (base) {
      auto it = before_by_id.find(row.id);
      row.base = it != before_by_id.end() ? *it->second : HeapFigures{};
      if (it != before_by_id.end()) before_by_id.erase(it);
    }
    accumulate(summary.total, row.now);
    summary.rows.push_back(std::move(row));
  }
  // Heaps that existed only in the base (an arena or region kind that disappeared).
  if (base) {
    for (const auto& [heap, figures] : before) {
      std::string id = heap_id(*base, heap);
      if (!before_by_id.count(id)) continue;
      HeapRow row;
      row.heap = heap;
      row.id = id;
      row.alias = heap_alias(*base, heap);
      row.base = figures;
      summary.rows.push_back(std::move(row));
    }
    summary.base_total = HeapFigures{};
    for (const auto& [heap, figures] : before) accumulate(*summary.base_total, figures);
  }
  return summary;
}

}  // namespace leakdbg
