// analyze with reachability: of two sites that both grow steadily, the one whose blocks no
// pointer reaches any more ranks first with its unreachable counts, and the one kept in a
// global table says which global holds it (tests/programs/prog_reach_growth.cpp). The exit
// snapshot's table lists the classes, as a leak checker's report does.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "e2e_util.h"

namespace {

struct ReachRun {
  nlohmann::json report;
  std::string text;
  uint64_t requests = 0, sessions = 0;
};

const ReachRun& reach_run() {
  static const ReachRun run = [] {
    ReachRun r;
    std::string dir = e2e::scratch_dir("analyze-reach");
    e2e::Result ran =
        e2e::run({e2e::leakdbg(), "run", "-o", dir, "--interval", "0.3", "--reachability", "all",
                  "--", e2e::bin("prog_reach_growth"), "--seconds", "1.5"});
    EXPECT_EQ(ran.exit_code, 0) << ran.err;
    std::smatch m;
    if (std::regex_search(ran.out, m, std::regex(R"(requests (\d+) sessions (\d+))"))) {
      r.requests = std::stoull(m[1]);
      r.sessions = std::stoull(m[2]);
    }
    e2e::Analysis analysis = e2e::analyze(dir);
    r.report = std::move(analysis.report);
    r.text = std::move(analysis.text);
    return r;
  }();
  return run;
}

// The suspect of `function` allocating `bytes`-byte blocks.
const nlohmann::json* suspect_in(const nlohmann::json& report, const std::string& function,
                                 uint64_t bytes) {
  for (const auto& s : report["suspects"])
    if (s["site"].is_object() &&
        s["site"]["function"].get<std::string>().find(function) != std::string::npos &&
        s["live_blocks"].get<uint64_t>() > 0 &&
        s["live_bytes"].get<uint64_t>() == bytes * s["live_blocks"].get<uint64_t>())
      return &s;
  return nullptr;
}

TEST(AnalyzeReach, LostBlocksRankFirstWithTheirCounts) {
  const ReachRun& run = reach_run();
  ASSERT_GT(run.requests, 100u) << run.text;
  const nlohmann::json* lost = suspect_in(run.report, "parse_header", 64);
  ASSERT_NE(lost, nullptr) << run.text;
  EXPECT_EQ((*lost)["rank"], 1) << run.text;
  EXPECT_EQ((*lost)["verdict_class"], "unreferenced_leak");
  EXPECT_EQ((*lost)["reason_code"], "unreferenced");
  // Every header but perhaps the last (a register or stack slot may still hold it).
  const uint64_t unreachable = (*lost)["unreachable_blocks"].get<uint64_t>();
  EXPECT_GE(unreachable + 1, run.requests);
  EXPECT_LE(unreachable, run.requests);
  EXPECT_EQ((*lost)["unreachable_bytes"].get<uint64_t>(), unreachable * 64);
  // (held_by may name where a header being handled sat when a running snapshot was taken.)
  // The name behind each header is lost too, from its own site (an indirect leak).
  const nlohmann::json* names = suspect_in(run.report, "parse_header", 24);
  ASSERT_NE(names, nullptr) << run.text;
  EXPECT_EQ((*names)["unreachable_blocks"], 0);
  EXPECT_GE((*names)["indirect_blocks"].get<uint64_t>() + 1, run.requests);
  EXPECT_EQ((*names)["verdict_class"], "unreferenced_leak");
  EXPECT_NE(run.text.find("no longer referenced: " + std::to_string(unreachable) + " blocks"),
            std::string::npos)
      << run.text;
}

TEST(AnalyzeReach, ReachableGrowthNamesTheGlobalHoldingIt) {
  const ReachRun& run = reach_run();
  const nlohmann::json* held = suspect_in(run.report, "register_session", 48);
  ASSERT_NE(held, nullptr) << run.text;
  EXPECT_EQ((*held)["verdict_class"], "leak") << held->dump(1);
  EXPECT_EQ((*held)["unreachable_blocks"], 0);
  EXPECT_EQ((*held)["indirect_blocks"], 0);
  const nlohmann::json& by = (*held)["held_by"];
  ASSERT_TRUE(by.is_object()) << held->dump(1);
  EXPECT_EQ(by["root"]["kind"], "global");
  EXPECT_EQ(by["root"]["symbol"], "g_registry") << by.dump();
  EXPECT_TRUE(by["root"]["module"].get<std::string>().ends_with("prog_reach_growth"));
  EXPECT_EQ(by["container"], nullptr);
  EXPECT_EQ(by["blocks"].get<uint64_t>(), run.sessions);
  EXPECT_EQ(by["reachable_blocks"].get<uint64_t>(), run.sessions);
  EXPECT_NE(run.text.find("reachable growth held by g_registry in prog_reach_growth"),
            std::string::npos)
      << run.text;
}

TEST(AnalyzeReach, ExitTableShowsTheClasses) {
  const ReachRun& run = reach_run();
  const nlohmann::json& exit = run.report["exit"];
  ASSERT_TRUE(exit.is_object());
  ASSERT_TRUE(exit["classes"].is_object()) << exit.dump(1);
  EXPECT_GE(exit["classes"]["unreachable"]["blocks"].get<uint64_t>() + 1, run.requests);
  // Lost sites first, as a leak checker lists them.
  ASSERT_FALSE(exit["sites"].empty());
  EXPECT_GT(exit["sites"][0]["classes"]["unreachable"]["blocks"].get<uint64_t>() +
                exit["sites"][0]["classes"]["indirect"]["blocks"].get<uint64_t>(),
            0u);
  EXPECT_NE(run.text.find("heap blocks by reachability: unreachable (definitely lost)"),
            std::string::npos)
      << run.text;
  EXPECT_NE(run.text.find("unreachable  indirect  possibly  reachable"), std::string::npos)
      << run.text;
}

}  // namespace
