// `leakdbg summary` (WinDbg `!heap -s`): one row per heap with its reserved, committed, busy
// and free figures, optionally with the change from a base snapshot.
//
// Figures and where they come from:
//   busy     the tracked blocks (regions) of that heap: requested bytes and count
//   reserved glibc arena: address space it holds (thread arenas reserve whole 64 MiB heaps);
//            mmapped chunks: the page-rounded mappings; regions: their length
//   committed glibc arena: memory obtained from the system (malloc_info "system current");
//            mmapped chunks and regions: as reserved, except PROT_NONE regions
//   free     glibc arena: fast and regular free chunks from malloc_info
//   fragmentation  free bytes / committed bytes (the share of the heap's memory that sits in
//            free chunks between busy ones); 0 when no allocator figures were recorded
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/heap_select.h"
#include "model/heap_model.h"

namespace leakdbg {

struct HeapFigures {
  uint64_t reserved = 0, committed = 0;
  uint64_t busy_bytes = 0, busy_blocks = 0;
  uint64_t free_bytes = 0, free_blocks = 0;
  double fragmentation = 0;  // 0..1
  // False when the source names the heap without its figures (a Windows heap seen only in
  // `!heap -stat` or `-flt` text): reserved, committed, free and fragmentation are unknown.
  bool figures_known = true;
  // Busy bytes of the whole heap as the source states them when it lists only part of its
  // blocks (`!heap -stat` cut off at max-display); 0 if the listing is complete or unknown.
  uint64_t stated_busy_bytes = 0;
};

struct HeapRow {
  HeapSelector heap;
  std::string id;     // "main", "arena1", "mmap-chunks", ...
  std::string alias;  // arena address "0x..." when known, else ""
  HeapFigures now;
  std::optional<HeapFigures> base;  // with a base snapshot; zeros if the heap is new
};

struct HeapSummary {
  std::vector<HeapRow> rows;  // arenas by index, then mmap-chunks, other, mmap, mmap-file
  HeapFigures total;
  std::optional<HeapFigures> base_total;
  bool allocator_figures = false;  // arena figures were recorded (glibc malloc_info)
};

// One heap's own figures as its allocator or debugger states them (reserved, committed,
// free); busy bytes are left to the blocks.
HeapFigures arena_figures(const Arena& arena);

// Rows for every heap holding something in either snapshot (an arena with figures but no
// blocks is listed too). Rows are matched to the base by id.
HeapSummary summarize_heaps(const HeapModel& model, const HeapModel* base = nullptr);

// Change of one figure, for renderers: now - base as a signed number.
inline int64_t figure_change(uint64_t now, uint64_t base) {
  return static_cast<int64_t>(now) - static_cast<int64_t>(base);
}

}  // namespace leakdbg
