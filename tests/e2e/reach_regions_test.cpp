// Tracked anonymous mmap regions classified like heap blocks in the exit snapshot
// (tests/programs/prog_reach_regions.cpp lists each region's expected class). valgrind's
// memcheck does not classify mmap regions (it scans them as roots), so there is no outside
// oracle here: the program's own shapes are the reference.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "e2e_util.h"

namespace {

class ReachRegions : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = e2e::scratch_dir("reach-regions");
    e2e::Result r = e2e::run(
        {e2e::leakdbg(), "run", "-o", dir_ + "/snaps", "--", e2e::bin("prog_reach_regions")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string name, address;
    while (lines >> name >> address) addresses_[name] = address;
    auto files = e2e::files_in(dir_ + "/snaps");
    ASSERT_FALSE(files.empty());
    snapshot_ = files.back();
  }

  static nlohmann::json block(const std::string& name) {
    EXPECT_TRUE(addresses_.count(name)) << name;
    e2e::Result r = e2e::run({e2e::leakdbg(), "block", snapshot_, addresses_[name], "--json"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    return e2e::json_of(r);
  }

  static std::string dir_, snapshot_;
  static std::map<std::string, std::string> addresses_;
};
std::string ReachRegions::dir_, ReachRegions::snapshot_;
std::map<std::string, std::string> ReachRegions::addresses_;

TEST_F(ReachRegions, EachRegionHasItsClass) {
  const std::map<std::string, std::string> expected = {
      {"lost", "unreachable"},  {"head", "unreachable"},   {"child", "indirect"},
      {"global", "reachable"},  {"heap", "reachable"},     {"stack", "reachable"},
      {"interior", "possibly"}, {"altstack", "reachable"}, {"threadstack", "reachable"}};
  for (const auto& [name, reach_class] : expected) {
    nlohmann::json j = block(name);
    EXPECT_EQ(j["kind"], "mmap region") << name;
    EXPECT_EQ(j["class"], reach_class) << name << ": " << j.dump(1);
  }
  // Shared memory may be held by another process: not classified.
  EXPECT_TRUE(block("shared")["class"].is_null());
}

TEST_F(ReachRegions, BlockHeldOnlyByALostRegionIsIndirect) {
  nlohmann::json j = block("block");
  EXPECT_EQ(j["kind"], "block");
  EXPECT_EQ(j["class"], "indirect") << j.dump(1);
  // Its chain starts at the lost region heading it.
  ASSERT_EQ(j["retainer_path"].size(), 1u) << j.dump(1);
  const nlohmann::json& step = j["retainer_path"][0];
  ASSERT_TRUE(step["region"].is_string()) << j.dump(1);
  EXPECT_EQ(std::stoull(step["region"].get<std::string>(), nullptr, 16),
            std::stoull(addresses_["head"], nullptr, 16));
  EXPECT_EQ(step["offset"], 8);
}

TEST_F(ReachRegions, GlobalHoldsItsRegionInTheRetainerPath) {
  // global g_holder -> heap block +0 -> the region. A stale copy of the region's address in
  // the exiting thread's registers or stack would be a root found first, a shorter chain:
  // the program avoids them, and the test accepts them.
  nlohmann::json j = block("heap");
  EXPECT_EQ(j["class"], "reachable");
  const nlohmann::json& path = j["retainer_path"];
  ASSERT_FALSE(path.empty()) << j.dump(1);
  if (path.back()["kind"] == "block" || path.size() > 1) {
    ASSERT_EQ(path.size(), 2u) << j.dump(1);
    EXPECT_EQ(path[0]["kind"], "global");
    EXPECT_EQ(path[1]["kind"], "block");
    EXPECT_EQ(path[1]["offset"], 0);
  }
}

TEST_F(ReachRegions, InfoCountsRegionsPerClass) {
  nlohmann::json info = e2e::info(snapshot_);
  const nlohmann::json& regions = info["reachability"]["mmap_regions"];
  ASSERT_TRUE(regions.is_object()) << info.dump(1);
  EXPECT_EQ(regions["unreachable"]["regions"], 2);
  EXPECT_EQ(regions["unreachable"]["bytes"], (12 + 40) * 1024);
  EXPECT_EQ(regions["indirect"]["regions"], 1);
  EXPECT_EQ(regions["indirect"]["bytes"], 44 * 1024);
  EXPECT_EQ(regions["possibly"]["regions"], 1);
  EXPECT_EQ(regions["possibly"]["bytes"], 28 * 1024);
  EXPECT_EQ(regions["reachable"]["bytes"], (16 + 20 + 24 + 32 + 256) * 1024);
}

}  // namespace
