// Accuracy of `leakdbg analyze` on programs built as distributions build them (-O2, no
// frame pointers), each run for a few seconds under `leakdbg run --interval 0.25`: in every
// leak program rank 1 is the true site (function, file and line of the `// LEAK-SITE`
// marker in its source), judged a leak, or, where the program frees the growth only at
// teardown (the plugin's global store), growth held until exit; in the steady programs
// nothing is likely_leak.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "e2e_util.h"

namespace {

struct LeakCase {
  std::string program, source, kind, function;
  bool freed_at_teardown = false;  // verdict class held_until_exit instead of leak
};

// The line of the marker comment, so that the test follows edits of the program.
uint32_t marker_line(const std::string& source) {
  std::ifstream in(std::string(LEAKDBG_SOURCE_DIR) + "/" + source);
  std::string line;
  for (uint32_t number = 1; std::getline(in, line); ++number)
    if (line.find("// LEAK-SITE") != std::string::npos) return number;
  ADD_FAILURE() << "no LEAK-SITE marker in " << source;
  return 0;
}

std::string run_program(const std::string& program, const std::string& tag) {
  std::string dir = e2e::scratch_dir("analyze-" + tag);
  e2e::Result r = e2e::run({e2e::leakdbg(), "run", "-o", dir, "--interval", "0.25", "--",
                            e2e::bin(program), "--seconds", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

nlohmann::json analyze_json(const std::string& dir) {
  e2e::Result r = e2e::run({e2e::leakdbg(), "analyze", "--json", dir});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return e2e::json_of(r);
}

std::string describe(const nlohmann::json& suspect) { return suspect.dump(1).substr(0, 1500); }

class LeakPrograms : public testing::TestWithParam<LeakCase> {};

TEST_P(LeakPrograms, RankOneIsTheTrueSite) {
  const LeakCase& c = GetParam();
  std::string dir = run_program(c.program, c.program);
  nlohmann::json report = analyze_json(dir);
  ASSERT_TRUE(report["suspects"].is_array() && !report["suspects"].empty()) << report.dump(1);
  const nlohmann::json& top = report["suspects"][0];
  EXPECT_EQ(top["rank"], 1);
  // A leak whose blocks the exit snapshot's scan found unreferenced is the stronger class of
  // leak; which of the two a program gets depends on whether it drops its pointers.
  std::string verdict_class = top["verdict_class"].get<std::string>();
  if (c.freed_at_teardown)
    EXPECT_EQ(verdict_class, "held_until_exit") << describe(top);
  else
    EXPECT_TRUE(verdict_class == "leak" || verdict_class == "unreferenced_leak") << describe(top);
  EXPECT_EQ(top["likely_leak"].get<bool>(), !c.freed_at_teardown) << describe(top);
  EXPECT_EQ(top["kind"], c.kind) << describe(top);
  EXPECT_GT(top["growth_bytes"].get<int64_t>(), 0);
  EXPECT_GT(top["bytes_per_minute"].get<int64_t>(), 0);
  ASSERT_TRUE(top["site"].is_object()) << describe(top);
  EXPECT_NE(top["site"]["function"].get<std::string>().find(c.function), std::string::npos)
      << describe(top);
  std::string file = std::filesystem::path(c.source).filename().string();
  std::string site_file = top["site"]["file"].get<std::string>();
  EXPECT_TRUE(site_file.ends_with(file)) << site_file << " vs " << file;
  EXPECT_EQ(top["site"]["line"].get<uint32_t>(), marker_line(c.source)) << describe(top);
  EXPECT_EQ(report["verdict"]["leaking"].get<bool>(), !c.freed_at_teardown);

  // The text report opens with the verdict naming the place.
  e2e::Result text = e2e::run({e2e::leakdbg(), "analyze", dir});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  std::string first_line = text.out.substr(0, text.out.find('\n'));
  const char* opening = c.freed_at_teardown ? "Verdict: GROWTH HELD UNTIL EXIT" : "Verdict: LEAK";
  EXPECT_EQ(first_line.rfind(opening, 0), 0u) << first_line;
  EXPECT_NE(first_line.find(c.function), std::string::npos) << first_line;
  EXPECT_NE(first_line.find(file + ":" + std::to_string(marker_line(c.source))), std::string::npos)
      << first_line;
}

INSTANTIATE_TEST_SUITE_P(
    Accuracy, LeakPrograms,
    testing::Values(LeakCase{"prog_leak_plugin", "tests/programs/plugin_leak/config_plugin.cpp",
                             "heap", "parse_line", true},
                    LeakCase{"prog_leak_thread_error", "tests/programs/prog_leak_thread_error.cpp",
                             "heap", "handle_request"},
                    LeakCase{"prog_leak_mmap", "tests/programs/prog_leak_mmap.cpp", "mmap",
                             "map_segment"},
                    LeakCase{"prog_leak_realloc", "tests/programs/prog_leak_realloc.cpp", "heap",
                             "build_message"}),
    [](const testing::TestParamInfo<LeakCase>& param_info) { return param_info.param.program; });

class SteadyPrograms : public testing::TestWithParam<std::string> {};

TEST_P(SteadyPrograms, NothingIsALikelyLeak) {
  std::string dir = run_program(GetParam(), GetParam());
  nlohmann::json report = analyze_json(dir);
  ASSERT_TRUE(report["suspects"].is_array()) << report.dump(1);
  for (const auto& suspect : report["suspects"])
    EXPECT_FALSE(suspect["likely_leak"].get<bool>()) << describe(suspect);
  EXPECT_FALSE(report["verdict"]["leaking"].get<bool>());
  EXPECT_GE(report["series_points"].get<int>(), 5) << "too few snapshots to judge";
}

INSTANTIATE_TEST_SUITE_P(Accuracy, SteadyPrograms,
                         testing::Values("prog_steady_cache", "prog_steady_bursts",
                                         "prog_steady_pool"));

}  // namespace
