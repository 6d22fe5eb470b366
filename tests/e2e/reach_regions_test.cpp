// Tracked anonymous mmap regions classified like heap blocks in the exit snapshot
// (tests/programs/prog_reach_regions.cpp lists each region's expected class). valgrind's
// memcheck does not classify mmap regions (it scans them as roots), so there is no outside
// oracle here: the program's own shapes are the reference.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
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

uint64_t address_of(const nlohmann::json& text) {
  return std::stoull(text.get<std::string>(), nullptr, 16);
}

TEST_F(ReachRegions, UnreachableListingHoldsTheLostRegions) {
  e2e::Result r = e2e::run({e2e::leakdbg(), "blocks", snapshot_, "--unreachable", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json listing = e2e::json_of(r);
  EXPECT_EQ(listing["region_total"], 2) << listing.dump(1);
  EXPECT_EQ(listing["region_bytes"], (12 + 40) * 1024);
  std::set<uint64_t> listed;
  for (const auto& region : listing["regions"]) {
    EXPECT_EQ(region["class"], "unreachable");
    listed.insert(address_of(region["address"]));
  }
  const std::set<uint64_t> lost = {std::stoull(addresses_["lost"], nullptr, 16),
                                   std::stoull(addresses_["head"], nullptr, 16)};
  EXPECT_EQ(listed, lost) << listing.dump(1);
  for (const auto& block : listing["blocks"]) EXPECT_EQ(block["class"], "unreachable");

  // The indirect class: the child region and the heap block the lost head holds.
  r = e2e::run({e2e::leakdbg(), "blocks", snapshot_, "--class", "indirect", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  listing = e2e::json_of(r);
  ASSERT_EQ(listing["regions"].size(), 1u) << listing.dump(1);
  EXPECT_EQ(address_of(listing["regions"][0]["address"]),
            std::stoull(addresses_["child"], nullptr, 16));
  bool block_listed = false;
  for (const auto& block : listing["blocks"])
    block_listed = block_listed ||
                   address_of(block["address"]) == std::stoull(addresses_["block"], nullptr, 16);
  EXPECT_TRUE(block_listed) << listing.dump(1);

  // As text: a kind column tells the regions from the blocks.
  r = e2e::run({e2e::leakdbg(), "blocks", snapshot_, "--class", "possibly"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mmap region"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 mmap regions, 28.0 KiB"), std::string::npos) << r.out;
}

TEST_F(ReachRegions, StatCountsTheLostRegionsUnderTheirSites) {
  e2e::Result r = e2e::run({e2e::leakdbg(), "blocks", snapshot_, "--unreachable", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json listing = e2e::json_of(r);
  r = e2e::run(
      {e2e::leakdbg(), "stat", snapshot_, "--by", "site", "--unreachable", "--top", "0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json stat = e2e::json_of(r);
  // The same selection as the listing: heap blocks and regions of the class.
  EXPECT_EQ(stat["busy_bytes"].get<uint64_t>(),
            listing["total_bytes"].get<uint64_t>() + listing["region_bytes"].get<uint64_t>())
      << stat.dump(1);
  EXPECT_EQ(stat["busy_blocks"].get<uint64_t>(),
            listing["total"].get<uint64_t>() + listing["region_total"].get<uint64_t>());
  // Each lost region under its own mapping call in make_lost.
  std::multiset<uint64_t> region_sites;
  for (const auto& group : stat["groups"])
    if (group["site"]["function"].get<std::string>().find("make_lost") != std::string::npos)
      region_sites.insert(group["total"].get<uint64_t>());
  EXPECT_EQ(region_sites, (std::multiset<uint64_t>{12 * 1024, 40 * 1024})) << stat.dump(1);
}

TEST_F(ReachRegions, PromptGroupsTheLostRegions) {
  const std::string input = dir_ + "/heap-l.txt";
  {
    std::ofstream out(input);
    out << "!heap -l\nq\n";
  }
  e2e::Result r = e2e::run_with_input({e2e::leakdbg(), "open", snapshot_}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 leaked mmap regions\n"), std::string::npos) << r.out;
  for (const char* name : {"lost", "head"}) {
    const std::string address = addresses_[name].substr(addresses_[name].find_first_not_of("0x"));
    EXPECT_NE(r.out.find("regions: " + address), std::string::npos) << name << "\n" << r.out;
  }
}

TEST_F(ReachRegions, RegionHeldByTwoGlobalsListsBoth) {
  e2e::Result r =
      e2e::run({e2e::leakdbg(), "block", snapshot_, addresses_["global"], "--all", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = e2e::json_of(r);
  ASSERT_TRUE(j["referrers"].is_array()) << j.dump(1);
  std::set<std::string> symbols;
  for (const auto& referrer : j["referrers"])
    if (referrer["kind"] == "global") {
      symbols.insert(referrer["symbol"].get<std::string>());
      EXPECT_TRUE(referrer["module"].get<std::string>().ends_with("prog_reach_regions"));
    }
  EXPECT_TRUE(symbols.count("g_global_copy")) << j.dump(1);
  bool original = false;
  for (const std::string& symbol : symbols) original = original || symbol.ends_with("g_global");
  EXPECT_TRUE(original) << j.dump(1);
  EXPECT_GE(j["referrer_count"].get<uint64_t>(), 2u);
}

TEST_F(ReachRegions, VmmapShowsTheRegionClasses) {
  e2e::Result r = e2e::run({e2e::leakdbg(), "vmmap", snapshot_, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = e2e::json_of(r);
  const nlohmann::json& classes = j["mmap_region_classes"];
  ASSERT_TRUE(classes.is_object()) << j.dump(1);
  EXPECT_EQ(classes["unreachable"]["regions"], 2);
  EXPECT_EQ(classes["unreachable"]["bytes"], (12 + 40) * 1024);
  EXPECT_EQ(classes["indirect"]["bytes"], 44 * 1024);
  EXPECT_EQ(classes["possibly"]["bytes"], 28 * 1024);
  r = e2e::run({e2e::leakdbg(), "vmmap", snapshot_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Tracked anonymous mmap regions by reachability"), std::string::npos)
      << r.out;
}

// Growing mmap sites over a run with reachability in every snapshot: analyze says which one
// is lost and which global holds the other.
struct GrowRun {
  nlohmann::json report;
  std::string text;
  uint64_t pooled = 0, dropped = 0;
};

const GrowRun& grow_run() {
  static const GrowRun run = [] {
    GrowRun g;
    const std::string dir = e2e::scratch_dir("reach-regions-grow");
    e2e::Result ran =
        e2e::run({e2e::leakdbg(), "run", "-o", dir, "--interval", "0.3", "--reachability", "all",
                  "--", e2e::bin("prog_reach_regions"), "--grow-seconds", "1.5"});
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    std::smatch m;
    if (std::regex_search(ran.out, m, std::regex(R"(pooled (\d+) dropped (\d+))"))) {
      g.pooled = std::stoull(m[1]);
      g.dropped = std::stoull(m[2]);
    }
    e2e::Analysis analysis = e2e::analyze(dir);
    g.report = std::move(analysis.report);
    g.text = std::move(analysis.text);
    return g;
  }();
  return run;
}

// The mmap suspect whose regions are all `length` bytes.
const nlohmann::json* mmap_suspect(const nlohmann::json& report, uint64_t length) {
  for (const auto& s : report["suspects"])
    if (s["kind"] == "mmap" && s["live_blocks"].get<uint64_t>() > 0 &&
        s["live_bytes"].get<uint64_t>() == length * s["live_blocks"].get<uint64_t>())
      return &s;
  return nullptr;
}

TEST(ReachRegionsGrowth, LostMmapSiteCountsItsRegions) {
  const GrowRun& run = grow_run();
  ASSERT_GT(run.dropped, 20u) << run.text;
  const nlohmann::json* lost = mmap_suspect(run.report, 4096);
  ASSERT_NE(lost, nullptr) << run.text;
  EXPECT_EQ((*lost)["verdict_class"], "unreferenced_leak") << lost->dump(1);
  // Every dropped region but perhaps the last (a register may still hold it).
  const uint64_t unreachable = (*lost)["unreachable_blocks"].get<uint64_t>();
  EXPECT_GE(unreachable + 1, run.dropped);
  EXPECT_LE(unreachable, run.dropped);
  EXPECT_EQ((*lost)["unreachable_bytes"].get<uint64_t>(), unreachable * 4096);
  EXPECT_NE(run.text.find("no longer referenced: " + std::to_string(unreachable) + " mmap regions"),
            std::string::npos)
      << run.text;
}

TEST(ReachRegionsGrowth, HeldMmapSiteNamesTheGlobal) {
  const GrowRun& run = grow_run();
  const nlohmann::json* held = mmap_suspect(run.report, 8192);
  ASSERT_NE(held, nullptr) << run.text;
  EXPECT_EQ((*held)["unreachable_blocks"], 0) << held->dump(1);
  const nlohmann::json& by = (*held)["held_by"];
  ASSERT_TRUE(by.is_object()) << held->dump(1);
  EXPECT_EQ(by["root"]["kind"], "global");
  EXPECT_EQ(by["root"]["symbol"], "g_pool") << by.dump();
  EXPECT_TRUE(by["root"]["module"].get<std::string>().ends_with("prog_reach_regions"));
  EXPECT_TRUE(by["container"].is_null());
  // Every pooled region (one may be reached first from a stack slot or register instead).
  EXPECT_GE(by["blocks"].get<uint64_t>() + 1, run.pooled);
  EXPECT_LE(by["blocks"].get<uint64_t>(), run.pooled);
  EXPECT_NE((*held)["reason"].get<std::string>().find("held by g_pool in prog_reach_regions"),
            std::string::npos)
      << held->dump(1);
  // The exit table gives the mmap sites their classes too.
  EXPECT_NE(run.text.find("mmap regions by reachability: unreachable "), std::string::npos)
      << run.text;
  const nlohmann::json& exit_classes = run.report["exit"]["region_classes"];
  ASSERT_TRUE(exit_classes.is_object()) << run.report["exit"].dump(1);
  EXPECT_GE(exit_classes["unreachable"]["blocks"].get<uint64_t>(), run.dropped + 1);
}

}  // namespace
