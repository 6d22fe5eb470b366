#include "analysis/diff.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include "analysis/heap_summary.h"
#include "analysis/site_text.h"

namespace leakdbg::analysis {

namespace {

struct RowKey {
  SiteKind kind;
  GroupKey key;
  auto operator<=>(const RowKey&) const = default;
};

struct Side {
  LiveTotal heap, mmap;
};

// Adds one model's blocks and regions to the rows, on the old or the new side.
void accumulate(const HeapModel& model, const DiffOptions& options, bool is_new,
                std::map<RowKey, DiffRow>& rows, Side& side) {
  std::unique_ptr<Symbolizer> symbolizer;
  if (options.by != GroupBy::kSize)
    symbolizer = std::make_unique<Symbolizer>(model, options.symbolizer);
  BlockGrouper grouper(options.by, model, symbolizer.get(), options.labels);
  std::vector<LiveTotal> heap_groups, mmap_groups;
  auto add = [](std::vector<LiveTotal>& groups, uint32_t group, uint64_t bytes) {
    if (group >= groups.size()) groups.resize(size_t{group} + 1);
    groups[group].bytes += bytes;
    ++groups[group].blocks;
  };
  for (const Block& block : model.blocks) {
    add(heap_groups, grouper.group_of(block), block.size);
    side.heap.bytes += block.size;
    ++side.heap.blocks;
  }
  for (const Region& region : model.regions) {
    if (region.file_backed()) continue;
    add(mmap_groups, grouper.group_of(region), region.length);
    side.mmap.bytes += region.length;
    ++side.mmap.blocks;
  }
  auto merge = [&](const std::vector<LiveTotal>& groups, SiteKind kind) {
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].blocks == 0) continue;
      const GroupInfo& info = grouper.group(static_cast<uint32_t>(g));
      auto [it, inserted] = rows.try_emplace(RowKey{kind, info.key});
      DiffRow& row = it->second;
      if (inserted) {
        row.kind = kind;
        row.key = info.key;
        row.label = info.label.empty() ? std::to_string(info.key.size) : info.label;
      }
      // The newer snapshot's stack is the one to show; the old one only if that is all.
      if (row.frames.empty() || is_new) {
        row.frames = info.frames;
        row.site = info.site;
      }
      LiveTotal& total = is_new ? row.new_total : row.old_total;
      total.bytes += groups[g].bytes;
      total.blocks += groups[g].blocks;
    }
  };
  merge(heap_groups, SiteKind::kHeap);
  merge(mmap_groups, SiteKind::kMmap);
}

// Rows by site come from two models labelled apart; labelling the rows together keeps wrapper
// detection and collisions consistent across both sides.
void label_rows(std::vector<DiffRow>& rows, const SiteLabelOptions& options) {
  std::vector<const std::vector<SymbolicFrame>*> stacks;
  for (const DiffRow& row : rows) stacks.push_back(&row.frames);
  std::vector<SiteLabel> labels = label_sites(stacks, options);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].site = labels[i];
    rows[i].label = site_text(rows[i].frames, labels[i]);
  }
}

// The heaps' own figures side by side. Only heaps with figures in both states are compared:
// a heap missing from one listing may have been left out by the author rather than be new.
std::vector<HeapFigureChange> heap_changes(const HeapModel& base, const HeapModel& snap) {
  std::vector<HeapFigureChange> changes;
  HeapSummary summary = summarize_heaps(snap, &base);
  for (const HeapRow& row : summary.rows) {
    if (row.heap.kind != HeapKind::kArena || !row.base) continue;
    bool old_named = std::any_of(base.arenas.begin(), base.arenas.end(), [&](const Arena& a) {
      return heap_id(base, {HeapKind::kArena, a.index}) == row.id;
    });
    bool new_named = std::any_of(snap.arenas.begin(), snap.arenas.end(), [&](const Arena& a) {
      return heap_id(snap, {HeapKind::kArena, a.index}) == row.id;
    });
    HeapFigureChange change;
    change.heap = row.id;
    change.old_known = old_named && row.base->figures_known;
    change.new_known = new_named && row.now.figures_known;
    if (!change.old_known || !change.new_known) continue;
    change.old_committed = row.base->committed;
    change.new_committed = row.now.committed;
    change.old_reserved = row.base->reserved;
    change.new_reserved = row.now.reserved;
    change.has_blocks = row.base->busy_blocks > 0 || row.now.busy_blocks > 0;
    changes.push_back(change);
  }
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    return a.commit_growth() > b.commit_growth();
  });
  return changes;
}

}  // namespace

DiffReport diff_models(const HeapModel& base, const HeapModel& snap, const DiffOptions& options) {
  DiffReport report;
  report.by = options.by;
  report.base_path = base.source_path;
  report.snap_path = snap.source_path;
  report.source_kind = snap.source_kind;
  if (base.pid != snap.pid || base.start_realtime_ns != snap.start_realtime_ns)
    report.warnings.push_back("the two snapshots come from different processes (pid " +
                              std::to_string(base.pid) + " and " + std::to_string(snap.pid) +
                              "): rows are matched by symbols, not addresses");
  if (executable_build_id(base) != executable_build_id(snap))
    report.warnings.push_back(
        "the two snapshots come from different builds of the program: "
        "lines may have moved");
  std::map<RowKey, DiffRow> rows;
  Side old_side, new_side;
  accumulate(base, options, false, rows, old_side);
  accumulate(snap, options, true, rows, new_side);
  report.old_heap = old_side.heap;
  report.new_heap = new_side.heap;
  report.old_mmap = old_side.mmap;
  report.new_mmap = new_side.mmap;
  report.heaps = heap_changes(base, snap);
  report.block_counts_known = !base.notes.old_counts_unknown && !snap.notes.old_counts_unknown;
  std::vector<DiffRow> all;
  all.reserve(rows.size());
  for (auto& [key, row] : rows) all.push_back(std::move(row));
  // Unchanged rows count too: a wrapper is recognised from every caller seen, not only
  // from those whose memory changed.
  if (options.by == GroupBy::kSite) label_rows(all, options.labels);
  for (DiffRow& row : all) {
    row.growth_bytes =
        static_cast<int64_t>(row.new_total.bytes) - static_cast<int64_t>(row.old_total.bytes);
    row.growth_blocks =
        static_cast<int64_t>(row.new_total.blocks) - static_cast<int64_t>(row.old_total.blocks);
    if (row.growth_bytes == 0 && row.growth_blocks == 0) continue;
    if (static_cast<uint64_t>(std::llabs(row.growth_bytes)) < options.min_bytes) {
      ++report.hidden_rows;
      continue;
    }
    report.rows.push_back(std::move(row));
  }
  std::sort(report.rows.begin(), report.rows.end(), [](const DiffRow& a, const DiffRow& b) {
    if (a.growth_bytes != b.growth_bytes) return a.growth_bytes > b.growth_bytes;
    if (a.growth_blocks != b.growth_blocks) return a.growth_blocks > b.growth_blocks;
    return a.label < b.label;
  });
  return report;
}

}  // namespace leakdbg::analysis
