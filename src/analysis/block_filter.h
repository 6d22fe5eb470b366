// `leakdbg blocks` (WinDbg `!heap -flt s SIZE` / `-flt r MIN MAX`): the busy blocks of one
// size or size range, each with what is known about it, capped at a limit with a count of
// the rest instead of tens of thousands of lines. A query by class lists the classified mmap
// regions of that class too (a region's length is its size, its heap "mmap"; regions have no
// content, so a type filter leaves them out).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

class Symbolizer;

struct BlockQuery {
  uint64_t min_size = 0;            // requested size, inclusive
  uint64_t max_size = UINT64_MAX;   // exclusive (as WinDbg's -flt r)
  std::string heap;                 // heap id; empty: all heaps
  std::optional<std::string> type;  // keep blocks whose type hint contains this text
  std::optional<ReachClass> reach;  // keep blocks of this reachability class
  size_t limit = 50;                // rows listed; 0 lists all

  static BlockQuery exact_size(uint64_t size);
  // Throws leakdbg::Error if min >= max.
  static BlockQuery size_range(uint64_t min, uint64_t max);
};

struct BlockRow {
  const Block* block = nullptr;    // points into the model; null for a region's row
  const Region* region = nullptr;  // a tracked mmap region's row
  std::string heap;                // heap id ("mmap" for a region)
  std::string type;                // type hint, "" if none
  double age_seconds = 0;
  std::string thread;                      // "1234" or "1234 (worker)"
  std::optional<SymbolicFrame> top_frame;  // innermost frame outside the runtime
};

struct BlockListing {
  uint64_t total = 0;          // blocks matching the query (before the limit)
  uint64_t total_bytes = 0;    // their requested bytes
  std::vector<BlockRow> rows;  // the first `limit` matches (blocks and regions) by address
  // The query applies to the snapshot's classified regions (a class query on a snapshot
  // holding regions with classes): region_total of them matched.
  bool regions_considered = false;
  uint64_t region_total = 0, region_bytes = 0;
};

// `symbolizer` may be null: rows then carry no type hints or frames, and a type filter is an
// error. Stacks are symbolized once per distinct stack; type hints once per distinct content.
BlockListing list_blocks(const HeapModel& model, Symbolizer* symbolizer, const BlockQuery& query);

// "1234" or "1234 (name)" from the model's thread list.
std::string thread_label(const HeapModel& model, uint32_t tid);

}  // namespace leakdbg
