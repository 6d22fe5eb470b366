// The tracker on a multi-threaded -O2 program without frame pointers that leaks a known
// number of objects: ordered snapshots, and an exit snapshot that counts exactly the leaks
// plus the runtime's own blocks.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

e2e::Result run_tracked(const std::vector<std::string>& argv, const std::string& dir,
                        std::vector<std::string> env = {}) {
  env.push_back("LD_PRELOAD=" + e2e::tracker_library());
  env.push_back("LEAKDBG_OUTPUT_DIR=" + dir);
  return e2e::run(argv, env);
}

uint64_t exit_blocks(const std::string& dir) {
  auto paths = e2e::files_in(dir);
  EXPECT_FALSE(paths.empty());
  if (paths.empty()) return 0;
  EXPECT_NE(paths.back().find("-exit.ldsnap"), std::string::npos) << paths.back();
  return e2e::info(paths.back())["blocks"].get<uint64_t>();
}

TEST(TrackerLeaks, ExitSnapshotCountsExactlyTheLeakedObjects) {
  std::string base_dir = e2e::scratch_dir("tracker-leaks-base");
  std::string leak_dir = e2e::scratch_dir("tracker-leaks");
  e2e::Result base = run_tracked({e2e::bin("prog_tracker_leaks"), "4", "0"}, base_dir);
  ASSERT_EQ(base.exit_code, 0) << base.err;
  e2e::Result leaky = run_tracked({e2e::bin("prog_tracker_leaks"), "4", "250"}, leak_dir);
  ASSERT_EQ(leaky.exit_code, 0) << leaky.err;
  EXPECT_EQ(leaky.out, "") << "the tracker must never write to the program's stdout";
  EXPECT_EQ(leaky.err, "");

  uint64_t baseline = exit_blocks(base_dir);
  EXPECT_GE(baseline, 7u) << "the blocks leaked during static initialisation are missing";
  EXPECT_EQ(exit_blocks(leak_dir), baseline + 4 * 250);
}

TEST(TrackerLeaks, IntervalAndApiSnapshotsAreOrderedAndExitIsLast) {
  std::string dir = e2e::scratch_dir("tracker-interval");
  e2e::Result r = run_tracked({e2e::bin("prog_tracker_leaks"), "2", "10", "800"}, dir,
                              {"LEAKDBG_INTERVAL=0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto paths = e2e::files_in(dir);
  ASSERT_GE(paths.size(), 4u);
  for (const auto& path : paths) {
    EXPECT_NE(std::filesystem::path(path).filename().string()[0], '.')
        << "temporary file left: " << path;
  }
  uint64_t previous = 0;
  bool saw_api = false, saw_interval = false;
  for (size_t i = 0; i < paths.size(); ++i) {
    nlohmann::json j = e2e::info(paths[i]);
    uint64_t sequence = j["sequence"].get<uint64_t>();
    EXPECT_EQ(sequence, previous + 1) << paths[i];
    previous = sequence;
    std::string trigger = j["trigger"].get<std::string>();
    if (trigger == "api") {
      saw_api = true;
      EXPECT_EQ(j["label"], "after-workers");
    }
    if (trigger == "interval") {
      saw_interval = true;
      EXPECT_GE(j["samples"].get<uint64_t>(), 1u);
    }
    if (i + 1 == paths.size()) {
      EXPECT_EQ(trigger, "exit");
    }
    EXPECT_GE(j["stacks"].get<uint64_t>(), 1u);
    EXPECT_GE(j["modules"].get<uint64_t>(), 3u);
  }
  EXPECT_TRUE(saw_api);
  EXPECT_TRUE(saw_interval);
}

TEST(TrackerLeaks, StacksGoThroughTheCallChainWithoutFramePointers) {
  std::string dir = e2e::scratch_dir("tracker-depth");
  e2e::Result r = run_tracked({e2e::bin("prog_tracker_leaks"), "1", "5"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto paths = e2e::files_in(dir);
  ASSERT_FALSE(paths.empty());
  nlohmann::json j = e2e::info(paths.back());
  // new <- make_widget <- build_level2 <- build_level1 <- worker <- thread entry ...
  EXPECT_GE(j["max_stack_depth"].get<uint64_t>(), 6u);
  EXPECT_EQ(j["tracker"]["dropped_events"], 0);
}

TEST(TrackerLeaks, FramePointerBuildGivesTheSameCountsAndDepth) {
  std::string dir = e2e::scratch_dir("tracker-fp");
  std::string dir_fp = e2e::scratch_dir("tracker-fp-with");
  ASSERT_EQ(run_tracked({e2e::bin("prog_tracker_leaks"), "2", "30"}, dir).exit_code, 0);
  ASSERT_EQ(run_tracked({e2e::bin("prog_tracker_leaks_fp"), "2", "30"}, dir_fp).exit_code, 0);
  auto last = [](const std::string& d) { return e2e::info(e2e::files_in(d).back()); };
  nlohmann::json without = last(dir), with = last(dir_fp);
  EXPECT_EQ(with["blocks"], without["blocks"]);
  EXPECT_EQ(with["max_stack_depth"], without["max_stack_depth"]);
}

TEST(TrackerLeaks, WithoutOutputDirectoryTheTrackerIsPassive) {
  std::string dir = e2e::scratch_dir("tracker-passive");
  e2e::Result r = e2e::run({e2e::bin("prog_tracker_leaks"), "2", "10"},
                           {"LD_PRELOAD=" + e2e::tracker_library()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(e2e::files_in(dir).empty());
}

TEST(TrackerLeaks, UnwritableOutputDirectoryGivesOneLineAndTheProgramRunsOn) {
  e2e::Result r =
      run_tracked({e2e::bin("prog_tracker_leaks"), "2", "10"}, "/proc/self/no-such-dir");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("leakdbg: ", 0), 0u) << r.err;
}

}  // namespace
