// The allocation API behaves exactly as without the tracker (results, errno, edge cases),
// and the tracker holds up under threads, a foreign allocator and dlopen/dlclose.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

TEST(TrackerSemantics, EdgeCasesBehaveAsWithoutTheTracker) {
  std::string dir = e2e::scratch_dir("tracker-edge");
  e2e::Result plain = e2e::run({e2e::bin("prog_tracker_edge")});
  e2e::Result tracked =
      e2e::run({e2e::bin("prog_tracker_edge")},
               {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(tracked.exit_code, 0) << tracked.err;
  EXPECT_EQ(tracked.out, plain.out);
  EXPECT_EQ(tracked.err, "");
  // The program really ran the edge cases (the comparison is not of two empty outputs).
  EXPECT_NE(plain.out.find("calloc overflow: null errno=12"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("realloc(p, 0): null"), std::string::npos) << plain.out;
  EXPECT_NE(plain.out.find("new huge: bad_alloc"), std::string::npos) << plain.out;
  ASSERT_FALSE(e2e::files_in(dir).empty());
}

// Run with each place the tracker keeps live blocks: the heap shadow (glibc's default) and
// the hash table (other allocators, large blocks).
class TrackerStress : public testing::TestWithParam<const char*> {};

TEST_P(TrackerStress, SnapshotsMatchTheProgramsOwnCountsWhenQuiescent) {
  std::string dir = e2e::scratch_dir(std::string("tracker-stress-") + GetParam());
  e2e::Result r = e2e::run({e2e::bin("prog_tracker_stress"), "6"},
                           {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir,
                            "LEAKDBG_INTERVAL=0.1", std::string("LEAKDBG_LIVE_SET=") + GetParam()},
                           120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  unsigned long long blocks = 0, bytes = 0, regions = 0, region_bytes = 0;
  int snapshot = -1;
  ASSERT_EQ(std::sscanf(r.out.c_str(),
                        "snapshot=%d blocks=%llu bytes=%llu regions=%llu region_bytes=%llu",
                        &snapshot, &blocks, &bytes, &regions, &region_bytes),
            5)
      << r.out;
  ASSERT_EQ(snapshot, 0);
  auto paths = e2e::files_in(dir);
  ASSERT_GE(paths.size(), 5u) << "interval snapshots every 0.1 s were expected";
  nlohmann::json start, quiescent;
  for (const auto& path : paths) {
    nlohmann::json j = e2e::info(path);
    if (j["label"] == "start") start = j;
    if (j["label"] == "quiescent") quiescent = j;
  }
  ASSERT_FALSE(start.is_null());
  ASSERT_FALSE(quiescent.is_null());
  EXPECT_EQ(quiescent["blocks"].get<uint64_t>() - start["blocks"].get<uint64_t>(), blocks);
  EXPECT_EQ(quiescent["bytes"].get<uint64_t>() - start["bytes"].get<uint64_t>(), bytes);
  EXPECT_EQ(quiescent["mmap_regions"].get<uint64_t>() - start["mmap_regions"].get<uint64_t>(),
            regions);
  EXPECT_EQ(quiescent["mmap_bytes"].get<uint64_t>() - start["mmap_bytes"].get<uint64_t>(),
            region_bytes);
  EXPECT_EQ(quiescent["tracker"]["dropped_events"], 0);
}

INSTANTIATE_TEST_SUITE_P(LiveSets, TrackerStress, testing::Values("shadow", "table"));

// 40,000 blocks of 4 KiB with small ones between them: the heap shadow would take about
// 80 MiB (half the heap); its budget stops it near its 4 MiB floor and the rest of the
// blocks go to the table, whose cost follows the 80,000 blocks (about 3 MiB), and every
// block is still counted.
TEST(TrackerSemantics, HeapShadowStaysWithinItsMemoryBudget) {
  std::string dir = e2e::scratch_dir("tracker-kib-blocks");
  e2e::Result r =
      e2e::run({e2e::bin("prog_tracker_kib_blocks"), "40000", "4096"},
               {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  unsigned long long blocks = 0, bytes = 0;
  ASSERT_EQ(std::sscanf(r.out.c_str(), "blocks=%llu bytes=%llu", &blocks, &bytes), 2) << r.out;
  nlohmann::json j = e2e::info(e2e::files_in(dir).back());
  ASSERT_EQ(j["trigger"], "exit");
  // The program's blocks, plus the runtime's own few (stdio buffer and the like).
  EXPECT_GE(j["blocks"].get<uint64_t>(), blocks);
  EXPECT_LE(j["blocks"].get<uint64_t>(), blocks + 10);
  EXPECT_GE(j["bytes"].get<uint64_t>(), bytes);
  EXPECT_EQ(j["tracker"]["dropped_events"], 0);
  const uint64_t tracker_bytes = j["tracker"]["tracker_bytes"].get<uint64_t>();
  EXPECT_LT(tracker_bytes, uint64_t{24} << 20) << "shadow budget exceeded";
  EXPECT_GT(tracker_bytes, uint64_t{4} << 20) << "the shadow was used up to its floor";
}

TEST(TrackerSemantics, ProgramUsingJemallocIsTrackedWithoutGlibcArenas) {
  const std::string jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
  if (!std::filesystem::exists(jemalloc)) GTEST_SKIP() << "jemalloc not installed";
  std::string base_dir = e2e::scratch_dir("tracker-jemalloc-base");
  std::string dir = e2e::scratch_dir("tracker-jemalloc");
  auto run_with = [&](const std::string& out, const char* leaks) {
    return e2e::run(
        {e2e::bin("prog_tracker_leaks"), "3", leaks},
        {"LD_PRELOAD=" + e2e::tracker_library() + ":" + jemalloc, "LEAKDBG_OUTPUT_DIR=" + out});
  };
  e2e::Result base = run_with(base_dir, "0");
  e2e::Result r = run_with(dir, "40");
  ASSERT_EQ(base.exit_code, 0) << base.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json b = e2e::info(e2e::files_in(base_dir).back());
  nlohmann::json j = e2e::info(e2e::files_in(dir).back());
  EXPECT_EQ(j["allocator"], "other");
  EXPECT_EQ(j["blocks"].get<uint64_t>(), b["blocks"].get<uint64_t>() + 3 * 40);
  EXPECT_TRUE(j["arenas"].empty());
}

TEST(TrackerSemantics, UnloadedPluginStaysListedWhileItsBlocksLive) {
  std::string dir = e2e::scratch_dir("tracker-plugin");
  std::string plugin = e2e::bin("tracker_test_plugin.so");
  e2e::Result r = e2e::run({e2e::bin("prog_tracker_plugin"), plugin},
                           {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = e2e::info(e2e::files_in(dir).back());
  bool listed_unloaded = false;
  for (const auto& m : j["module_list"])
    if (m["path"].get<std::string>().find("tracker_test_plugin") != std::string::npos)
      listed_unloaded = m["unloaded"].get<bool>();
  EXPECT_TRUE(listed_unloaded) << j["module_list"].dump();
  EXPECT_GE(j["unloaded_modules"].get<uint64_t>(), 1u);
}

}  // namespace
