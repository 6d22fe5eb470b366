// `leakdbg diff BASE SNAP` (UMDH): what grew between two heap states, grouped by call site,
// function, module, block size or type. Groups hold no addresses, so two snapshots of
// different runs of one build compare; mmap regions are rows of their own kind.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyze_digest.h"
#include "analysis/group_key.h"
#include "analysis/site_label.h"
#include "model/heap_model.h"
#include "symbolize/symbolizer.h"

namespace leakdbg::analysis {

struct DiffOptions {
  GroupBy by = GroupBy::kSite;
  uint64_t min_bytes = 0;  // rows whose |growth| is smaller are left out
  SymbolizerOptions symbolizer;
  SiteLabelOptions labels;  // --alloc-fn
};

struct DiffRow {
  SiteKind kind = SiteKind::kHeap;
  GroupKey key;
  std::string label;
  LiveTotal old_total, new_total;
  int64_t growth_bytes = 0, growth_blocks = 0;
  std::vector<SymbolicFrame> frames;  // the site's stack (an example one for function/module)
  SiteLabel site;                     // by site or function: which of `frames` names the site
};

// One heap's own figures in both states (`!heap -s` Commit and Reserv, glibc's malloc_info),
// for heaps the two models name alike.
struct HeapFigureChange {
  std::string heap;                           // as `summary` names it: "00c40000", "main", "arena1"
  bool old_known = false, new_known = false;  // figures given by that state
  uint64_t old_committed = 0, new_committed = 0, old_reserved = 0, new_reserved = 0;
  bool has_blocks = false;  // either state listed blocks of this heap
  int64_t commit_growth() const {
    return static_cast<int64_t>(new_committed) - static_cast<int64_t>(old_committed);
  }
  int64_t reserve_growth() const {
    return static_cast<int64_t>(new_reserved) - static_cast<int64_t>(old_reserved);
  }
};

struct DiffReport {
  GroupBy by = GroupBy::kSite;
  std::string base_path, snap_path;
  std::string source_kind;  // of the newer state: "ldsnap", "umdh-diff", "windbg-heap-s", ...
  LiveTotal old_heap, new_heap, old_mmap, new_mmap;
  std::vector<DiffRow> rows;  // largest growth first, shrinking rows last
  // Heaps whose figures are known in both states, largest commit growth first.
  std::vector<HeapFigureChange> heaps;
  // False when a state gives bytes but not block counts (a UMDH comparison without count
  // lines): block changes are unknown.
  bool block_counts_known = true;
  size_t hidden_rows = 0;  // changed rows under --min-bytes
  std::vector<std::string> warnings;
};

DiffReport diff_models(const HeapModel& base, const HeapModel& snap, const DiffOptions& options);

}  // namespace leakdbg::analysis
