// analyze on snapshots whose mmap regions are classified: an mmap site carries the counts of
// its lost regions, and what holds its reachable ones (held_by), as a heap site does.
#include <gtest/gtest.h>

#include "analysis/analyze.h"
#include "analysis/suspect_text.h"
#include "synthetic_models.h"

namespace leakdbg::analysis {
namespace {

using synth::SnapshotBuilder;

constexpr uint64_t kGlobal = 0x600010;  // a word of the executable's data segment
constexpr uint64_t kKiB = 1024;

// Snapshot `n` (1-based, one a second): Arena::grow maps 2 regions a second that a global
// holds, Buffer::leak one a second whose pointer is dropped, Pages::map one a second held
// through the one block of Registry::add (which the global holds).
// The exit snapshot adds a shared region (Shm::open), which the scan does not classify.
HeapModel classified_snapshot(int n, Trigger trigger = Trigger::kInterval) {
  SnapshotBuilder b(700, static_cast<uint64_t>(n), n, trigger);
  const uint32_t shared = trigger == Trigger::kExit ? b.site("Shm::open", "shm.cpp", 3) : 0;
  if (shared) b.region(shared, 16 * kKiB, 0.1);
  const uint32_t arena = b.site("Arena::grow", "arena.cpp", 12);
  const uint32_t leak = b.site("Buffer::leak", "buffer.cpp", 30);
  const uint32_t pages = b.site("Pages::map", "pages.cpp", 8);
  const uint32_t registry = b.site("Registry::add", "registry.cpp", 40);
  b.blocks(registry, 1, 64, 0.5);
  for (int s = 1; s <= n; ++s) {
    b.region(arena, 64 * kKiB, s - 0.5);
    b.region(arena, 64 * kKiB, s - 0.4);
    b.region(leak, 128 * kKiB, s - 0.3);
    b.region(pages, 32 * kKiB, s - 0.2);
  }
  HeapModel m = b.build();
  m.caps.reachability = m.caps.region_classes = true;
  m.reachability.attempted = true;
  m.modules[0].segments.push_back(Segment{0x600000, 0x601000, 0, 6});
  Block& holder = m.blocks.at(0);
  holder.reach = ReachClass::kReachable;
  holder.parent_kind = ReferrerKind::kMemory;
  holder.parent_slot = kGlobal + 8;
  for (Region& r : m.regions) {
    if (r.stack_id == shared) {
      r.flags |= kRegionShared;
    } else if (r.stack_id == leak) {
      r.reach = ReachClass::kUnreachable;
    } else if (r.stack_id == arena) {
      r.reach = ReachClass::kReachable;
      r.parent_kind = ReferrerKind::kMemory;
      r.parent_slot = kGlobal;
    } else {
      r.reach = ReachClass::kReachable;
      r.parent_kind = ReferrerKind::kBlock;
      r.parent_slot = holder.address + 8;
    }
  }
  return m;
}

// `snapshots` interval snapshots, then an exit snapshot if `with_exit`.
AnalyzeReport analyze_series(int snapshots, bool with_exit = false) {
  AnalyzeOptions options;
  options.frames = synth::fake_symbols();
  int next = 0;
  return analyze_stream(
      [&](HeapModel& model) {
        if (next == snapshots + (with_exit ? 1 : 0)) return false;
        ++next;
        model = classified_snapshot(next, next > snapshots ? Trigger::kExit : Trigger::kInterval);
        return true;
      },
      options);
}

const Suspect* find(const AnalyzeReport& report, const std::string& function) {
  for (const Suspect& s : report.suspects) {
    const SymbolicFrame* frame = site_frame_of(s.frames, s.site);
    if (frame && frame->function == function) return &s;
  }
  return nullptr;
}

TEST(AnalyzeRegions, MmapSiteHeldByAGlobalSaysSo) {
  AnalyzeReport report = analyze_series(5);
  const Suspect* arena = find(report, "Arena::grow");
  ASSERT_NE(arena, nullptr);
  EXPECT_EQ(arena->trend.kind, SiteKind::kMmap);
  ASSERT_TRUE(arena->trend.reachability);
  const ReachabilityEvidence& e = *arena->trend.reachability;
  EXPECT_EQ(e.unreachable_blocks, 0u);
  ASSERT_TRUE(e.held_by);
  EXPECT_EQ(e.held_by->root.kind, ReferrerKind::kMemory);
  EXPECT_EQ(e.held_by->root.module, "/usr/bin/app");
  EXPECT_FALSE(e.held_by->has_container);
  EXPECT_EQ(e.held_by->blocks, 10u);  // the regions of the last snapshot
  EXPECT_EQ(e.held_by->bytes, 10 * 64 * kKiB);
  EXPECT_EQ(e.held_by->reachable_blocks, 10u);
  EXPECT_EQ(held_by_text(*e.held_by), "a global of app");
}

TEST(AnalyzeRegions, LostMmapSiteCountsItsRegions) {
  AnalyzeReport report = analyze_series(5);
  const Suspect* leak = find(report, "Buffer::leak");
  ASSERT_NE(leak, nullptr);
  ASSERT_TRUE(leak->trend.reachability);
  const ReachabilityEvidence& e = *leak->trend.reachability;
  EXPECT_EQ(e.unreachable_blocks, 5u);
  EXPECT_EQ(e.unreachable_bytes, 5 * 128 * kKiB);
  EXPECT_FALSE(e.held_by);
  EXPECT_EQ(leak->judgement.verdict_class, VerdictClass::kUnreferencedLeak);
  EXPECT_EQ(leak->rank, 1u);
  EXPECT_EQ(lost_text(e, SiteKind::kMmap), "no longer referenced: 5 mmap regions (640 KiB)");
}

TEST(AnalyzeRegions, RegionsHeldThroughABlockNameTheBlocksSite) {
  AnalyzeReport report = analyze_series(5);
  const Suspect* pages = find(report, "Pages::map");
  ASSERT_NE(pages, nullptr);
  ASSERT_TRUE(pages->trend.reachability && pages->trend.reachability->held_by);
  const HeldBy& held = *pages->trend.reachability->held_by;
  EXPECT_EQ(held.root.kind, ReferrerKind::kMemory);
  ASSERT_TRUE(held.has_container);
  EXPECT_EQ(held.container_kind, SiteKind::kHeap);
  const SymbolicFrame* container = site_frame_of(held.container_frames, held.container_site);
  ASSERT_NE(container, nullptr);
  EXPECT_EQ(container->function, "Registry::add");
  EXPECT_EQ(held.blocks, 5u);
}

TEST(AnalyzeRegions, ExitTableCountsRegionsApartFromHeapBlocks) {
  AnalyzeReport report = analyze_series(4, true);
  ASSERT_TRUE(report.has_exit);
  ASSERT_TRUE(report.exit_classified);
  ASSERT_TRUE(report.exit_regions_classified);
  // The heap's lost counts hold no region: the one heap block is reachable.
  EXPECT_EQ(report.exit_unreachable.blocks, 0u);
  EXPECT_EQ(report.exit_region_unreachable.blocks, 5u);  // Buffer::leak, one a second
  EXPECT_EQ(report.exit_region_unreachable.bytes, 5 * 128 * kKiB);
  bool shared_row = false;
  for (const ExitSite& e : report.exit_sites) {
    const SymbolicFrame* frame = site_frame_of(e.frames, e.site);
    if (!frame || frame->function != "Shm::open") continue;
    shared_row = true;
    EXPECT_EQ(e.kind, SiteKind::kMmap);
    EXPECT_EQ(e.unclassified.blocks, 1u);  // not counted as reachable
  }
  EXPECT_TRUE(shared_row);
}

}  // namespace
}  // namespace leakdbg::analysis
