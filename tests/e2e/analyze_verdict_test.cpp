// Verdicts that survive real programs (-O2, no frame pointers): a service whose registry
// only grows and is torn down slowly at exit keeps its verdict whatever the run length and
// interval (snapshots landing during teardown included); a C wrapper used by three callers
// names the leaking caller; a batch job that builds and frees its result is no likely leak.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>

#include "e2e_util.h"

namespace {

// The line of the LEAK-SITE marker in a source file.
uint32_t marker_line(const std::string& source) {
  std::ifstream in(std::string(LEAKDBG_SOURCE_DIR) + "/" + source);
  std::string line;
  for (uint32_t number = 1; std::getline(in, line); ++number)
    if (line.find("LEAK-SITE") != std::string::npos) return number;
  ADD_FAILURE() << "no LEAK-SITE marker in " << source;
  return 0;
}

using e2e::Analysis;

Analysis run_and_analyze(const std::string& program, const std::string& tag,
                         const std::string& seconds, const std::string& interval) {
  std::string dir = e2e::scratch_dir("verdict-" + tag);
  e2e::Result r = e2e::run({e2e::leakdbg(), "run", "-o", dir, "--interval", interval, "--",
                            e2e::bin(program), "--seconds", seconds});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return e2e::analyze(dir);
}

std::string describe(const nlohmann::json& suspect) { return suspect.dump(1).substr(0, 1500); }

void expect_rank_one(const Analysis& run, const std::string& function, const std::string& source) {
  ASSERT_FALSE(run.report["suspects"].empty()) << run.text;
  const nlohmann::json& top = run.report["suspects"][0];
  EXPECT_NE(top["site"]["function"].get<std::string>().find(function), std::string::npos)
      << describe(top);
  std::string file = source.substr(source.rfind('/') + 1);
  EXPECT_TRUE(top["site"]["file"].get<std::string>().ends_with(file)) << describe(top);
  EXPECT_EQ(top["site"]["line"].get<uint32_t>(), marker_line(source)) << describe(top);
}

// Lengths and intervals chosen so that some runs end on an exact multiple of the interval
// and snapshots land in the middle of the 0.4 s teardown.
TEST(Verdict, ServiceRegistryTornDownAtExitKeepsItsVerdict) {
  const std::string source = "tests/programs/prog_service_registry.cpp";
  std::set<std::string> classes, first_words;
  struct Shape {
    const char *seconds, *interval;
  };
  for (Shape shape :
       {Shape{"1.0", "0.25"}, Shape{"1.2", "0.3"}, Shape{"1.1", "0.25"}, Shape{"0.9", "0.15"}}) {
    SCOPED_TRACE(std::string(shape.seconds) + " s at " + shape.interval);
    Analysis run = run_and_analyze("prog_service_registry",
                                   std::string("service-") + shape.seconds + "-" + shape.interval,
                                   shape.seconds, shape.interval);
    expect_rank_one(run, "register_session", source);
    if (run.report["suspects"].empty()) continue;
    const nlohmann::json& top = run.report["suspects"][0];
    classes.insert(top["verdict_class"].get<std::string>());
    // "Verdict: GROWTH HELD UNTIL EXIT: ..." -> "GROWTH HELD UNTIL EXIT"
    std::string verdict = run.text.substr(run.text.find(": ") + 2);
    first_words.insert(verdict.substr(0, verdict.find(':')));
    EXPECT_EQ(top["verdict_class"], "held_until_exit") << describe(top);
    EXPECT_EQ(top["reason_code"], "freed_only_at_teardown") << describe(top);
    EXPECT_EQ(run.report["verdict"]["verdict_class"], "held_until_exit");
  }
  EXPECT_EQ(classes.size(), 1u);
  EXPECT_EQ(first_words.size(), 1u);
}

TEST(Verdict, CWrapperUsedByThreeCallersNamesTheLeakingCaller) {
  const std::string source = "tests/programs/prog_wrapper_c.c";
  for (int attempt = 0; attempt < 2; ++attempt) {
    Analysis run =
        run_and_analyze("prog_wrapper_c", "wrapper-" + std::to_string(attempt), "1.2", "0.2");
    expect_rank_one(run, "remember_event", source);
    const nlohmann::json& top = run.report["suspects"][0];
    EXPECT_TRUE(top["likely_leak"].get<bool>()) << describe(top);
    EXPECT_EQ(top["verdict_class"], "leak") << describe(top);
    EXPECT_EQ(top["site_wrapper"]["function"], "xalloc") << describe(top);
    EXPECT_EQ(run.text.rfind("Verdict: LEAK", 0), 0u) << run.text.substr(0, 400);
    for (const auto& suspect : run.report["suspects"])
      EXPECT_EQ(suspect["site"]["function"].get<std::string>().find("xalloc"), std::string::npos)
          << describe(suspect);
  }
}

// A C program must show no block at exit that it did not allocate itself (the C++ runtime's
// pool exists only because the tracker brings libstdc++ along).
TEST(Verdict, CProgramLeavesNoCxxRuntimeBlocksAtExit) {
  Analysis run = run_and_analyze("prog_wrapper_c", "c-exit", "0.5", "0.2");
  ASSERT_TRUE(run.report["exit"].is_object()) << run.text;
  for (const auto& site : run.report["exit"]["sites"])
    for (const auto& frame : site["frames"])
      EXPECT_EQ(frame["module"].get<std::string>().find("libstdc++"), std::string::npos)
          << site.dump(1).substr(0, 800);
}

TEST(Verdict, BatchJobThatBuildsAndFreesItsResultIsNoLikelyLeak) {
  Analysis run = run_and_analyze("prog_batch_result", "batch", "1.2", "0.2");
  ASSERT_TRUE(run.report["suspects"].is_array());
  for (const auto& suspect : run.report["suspects"])
    EXPECT_FALSE(suspect["likely_leak"].get<bool>()) << describe(suspect);
  EXPECT_FALSE(run.report["verdict"]["leaking"].get<bool>());
  EXPECT_EQ(run.text.find("Verdict: LEAK"), std::string::npos) << run.text.substr(0, 400);
  ASSERT_FALSE(run.report["suspects"].empty());
  const nlohmann::json& top = run.report["suspects"][0];
  EXPECT_NE(top["site"]["function"].get<std::string>().find("compute_row"), std::string::npos)
      << describe(top);
  EXPECT_EQ(top["verdict_class"], "held_until_exit") << describe(top);
}

}  // namespace
