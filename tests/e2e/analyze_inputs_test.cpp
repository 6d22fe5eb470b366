// `leakdbg analyze` and `leakdbg diff` on real snapshots of two runs: comparing runs by
// symbols, and the one-line answers to input that cannot be analysed as asked.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;

std::vector<std::string> snapshots_of(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".ldsnap") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// One run of the realloc leak program, snapshots every 0.25 s.
std::string record_run(const std::string& tag) {
  std::string dir = e2e::scratch_dir(tag);
  e2e::Result r = e2e::run({e2e::leakdbg(), "run", "-o", dir, "--interval", "0.25", "--",
                            e2e::bin("prog_leak_realloc"), "--seconds", "1.5"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

void expect_one_line_error(const e2e::Result& r, const std::string& words) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("leakdbg: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
}

class TwoRuns : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    first_ = new std::string(record_run("analyze-inputs-a"));
    second_ = new std::string(record_run("analyze-inputs-b"));
  }
  static void TearDownTestSuite() {
    delete first_;
    delete second_;
  }
  static std::string* first_;
  static std::string* second_;
};
std::string* TwoRuns::first_ = nullptr;
std::string* TwoRuns::second_ = nullptr;

TEST_F(TwoRuns, MixedProcessesAreNamedAndComparedOnlyWhenAsked) {
  auto a = snapshots_of(*first_), b = snapshots_of(*second_);
  ASSERT_GE(a.size(), 3u);
  ASSERT_GE(b.size(), 3u);
  e2e::Result mixed = e2e::run({e2e::leakdbg(), "analyze", a[0], a[1], b[1]});
  expect_one_line_error(mixed, "different processes");
  EXPECT_NE(mixed.err.find("--across-runs"), std::string::npos);
  e2e::Result across =
      e2e::run({e2e::leakdbg(), "analyze", "--json", "--across-runs", a[0], a[1], b[1], b[2]});
  ASSERT_EQ(across.exit_code, 0) << across.err;
  nlohmann::json report = e2e::json_of(across);
  EXPECT_EQ(report["runs"], 2);
  // The leak site of both runs is one site: it appears once among the suspects.
  size_t seen = 0;
  for (const auto& s : report["suspects"])
    if (s["site"].is_object() &&
        s["site"]["function"].get<std::string>().find("build_message") != std::string::npos)
      ++seen;
  EXPECT_EQ(seen, 1u) << report["suspects"].dump(1).substr(0, 2000);
}

TEST_F(TwoRuns, DiffMatchesSitesAcrossRunsBySymbols) {
  auto a = snapshots_of(*first_), b = snapshots_of(*second_);
  ASSERT_GE(b.size(), 4u);
  e2e::Result r = e2e::run({e2e::leakdbg(), "diff", "--json", a.front(), b[b.size() - 2]});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json diff = e2e::json_of(r);
  ASSERT_FALSE(diff["rows"].empty());
  const auto& top = diff["rows"][0];
  EXPECT_GT(top["growth_bytes"].get<int64_t>(), 0);
  EXPECT_EQ(top["new_bytes"].get<int64_t>() - top["old_bytes"].get<int64_t>(),
            top["growth_bytes"].get<int64_t>());
  bool named = false;
  for (const auto& frame : top["frames"])
    named =
        named || frame["function"].get<std::string>().find("build_message") != std::string::npos;
  EXPECT_TRUE(named) << top.dump(1).substr(0, 2000);

  e2e::Result text = e2e::run({e2e::leakdbg(), "diff", a.front(), b[b.size() - 2], "--by", "size"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("320"), std::string::npos) << text.out.substr(0, 1500);
}

TEST_F(TwoRuns, SingleSnapshotSaysWhatCannotBeTold) {
  auto a = snapshots_of(*first_);
  e2e::Result r = e2e::run({e2e::leakdbg(), "analyze", a[1]});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("one snapshot"), std::string::npos) << r.out.substr(0, 1500);
  EXPECT_NE(r.out.find("build_message"), std::string::npos) << "what is live is still listed";
}

TEST_F(TwoRuns, ForeignFilesInTheDirectoryAreSkipped) {
  std::string dir = e2e::scratch_dir("analyze-inputs-foreign");
  for (const auto& file : snapshots_of(*first_))
    fs::copy_file(file, dir + "/" + fs::path(file).filename().string());
  std::ofstream(dir + "/notes.txt") << "not a snapshot\n";
  std::ofstream(dir + "/0999-junk.ldsnap") << "not a snapshot either\n";
  e2e::Result r = e2e::run({e2e::leakdbg(), "analyze", "--json", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = e2e::json_of(r);
  ASSERT_EQ(report["warnings"].size(), 1u);
  EXPECT_NE(report["warnings"][0].get<std::string>().find("0999-junk.ldsnap"), std::string::npos);
  EXPECT_TRUE(report["verdict"]["leaking"].get<bool>());
}

TEST(AnalyzeInputs, UnusableInputGetsOneLine) {
  std::string dir = e2e::scratch_dir("analyze-inputs-bad");
  expect_one_line_error(e2e::run({e2e::leakdbg(), "analyze", dir}), "no snapshots");
  std::ofstream(dir + "/junk.txt") << "hello\n";
  expect_one_line_error(e2e::run({e2e::leakdbg(), "analyze", dir + "/junk.txt"}), "junk.txt");
  expect_one_line_error(e2e::run({e2e::leakdbg(), "diff", dir + "/junk.txt", dir + "/junk.txt"}),
                        "junk.txt");
  expect_one_line_error(e2e::run({e2e::leakdbg(), "diff", dir + "/none", dir + "/none"}), "none");
  e2e::Result bad_by =
      e2e::run({e2e::leakdbg(), "diff", dir + "/junk.txt", dir + "/junk.txt", "--by", "colour"});
  EXPECT_NE(bad_by.exit_code, 0);
  EXPECT_NE(bad_by.err.find("colour"), std::string::npos) << bad_by.err;
}

}  // namespace
