// analyze over files: directories with foreign and broken files, explicit files, and the
// one-line errors for input nothing can be said about.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "analysis/analyze.h"
#include "format/model_encoder.h"
#include "input/analyze_inputs.h"
#include "synthetic_models.h"
#include "util/error.h"

namespace leakdbg::analysis {
namespace {

namespace fs = std::filesystem;
using input::analyze_paths;

std::string fresh_dir(const std::string& name) {
  // ctest runs these tests as parallel processes: the pid keeps their folders apart.
  fs::path dir = fs::path(ANALYSIS_DIFF_SCRATCH) / (name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Five snapshots of a process leaking 50 blocks a second, written as .ldsnap files.
void write_run(const std::string& dir, uint32_t pid, int first_name = 1) {
  for (int s = 0; s < 5; ++s) {
    synth::SnapshotBuilder b(pid, static_cast<uint64_t>(s + 1), s);
    uint32_t leak = b.site("leak");
    b.blocks(leak, static_cast<uint64_t>(50 * s + 1), 100, 0.1);
    char name[32];
    std::snprintf(name, sizeof name, "%04d-interval.ldsnap", first_name + s);
    fmt::write_snapshot(b.build(), dir + "/" + name);
  }
}

AnalyzeOptions quiet() {
  AnalyzeOptions options;
  options.symbolizer.warn = false;
  return options;
}

std::string error_of(const std::vector<std::string>& inputs, bool across_runs = false) {
  AnalyzeOptions options = quiet();
  options.across_runs = across_runs;
  try {
    analyze_paths(inputs, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AnalyzeFiles, DirectoryOfSnapshotsIsReadInOrder) {
  std::string dir = fresh_dir("ordered");
  write_run(dir, 41);
  AnalyzeReport report = analyze_paths({dir}, quiet());
  ASSERT_EQ(report.snapshots.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(report.snapshots[i].sequence, i + 1);
  ASSERT_FALSE(report.suspects.empty());
  EXPECT_EQ(report.suspects.front().trend.blocks.growth, 200);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(AnalyzeFiles, ForeignAndBrokenFilesInADirectoryAreSkippedWithAWarning) {
  std::string dir = fresh_dir("foreign");
  write_run(dir, 42);
  write_text(dir + "/README.txt", "notes about this run\n");
  write_text(dir + "/0009-interval.ldsnap", "this is not a snapshot");
  fs::create_directories(dir + "/0010-subdir.ldsnap");
  // A snapshot cut short, as a killed writer could leave it.
  std::string whole = dir + "/0003-interval.ldsnap";
  std::string cut = dir + "/0011-exit.ldsnap";
  fs::copy_file(whole, cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  AnalyzeReport report = analyze_paths({dir}, quiet());
  EXPECT_EQ(report.snapshots.size(), 5u);
  ASSERT_EQ(report.warnings.size(), 2u);
  EXPECT_NE(report.warnings[0].find("0009-interval.ldsnap"), std::string::npos)
      << report.warnings[0];
  EXPECT_NE(report.warnings[1].find("0011-exit.ldsnap"), std::string::npos) << report.warnings[1];
}

TEST(AnalyzeFiles, NamedBrokenFileIsAnError) {
  std::string dir = fresh_dir("named");
  write_text(dir + "/junk.bin", std::string("\x01\x02garbage", 9));
  std::string message = error_of({dir + "/junk.bin"});
  EXPECT_NE(message.find("junk.bin"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(AnalyzeFiles, DirectoryWithoutSnapshotsIsAnError) {
  std::string dir = fresh_dir("empty");
  write_text(dir + "/notes.txt", "nothing here");
  EXPECT_NE(error_of({dir}).find("no snapshots"), std::string::npos);
  std::string only_broken = fresh_dir("only-broken");
  write_text(only_broken + "/0001-interval.ldsnap", "LDSNAP\r\n but cut");
  std::string message = error_of({only_broken});
  EXPECT_NE(message.find("no readable snapshot"), std::string::npos) << message;
}

TEST(AnalyzeFiles, MissingInputIsAnError) {
  EXPECT_NE(error_of({fresh_dir("missing") + "/nothing.ldsnap"}).find("nothing.ldsnap"),
            std::string::npos);
  EXPECT_NE(error_of({}).find("nothing to analyze"), std::string::npos);
}

TEST(AnalyzeFiles, TwoProcessesInOneDirectoryAreNamed) {
  std::string dir = fresh_dir("two-processes");
  write_run(dir, 43, 1);
  write_run(dir, 44, 6);
  std::string message = error_of({dir});
  EXPECT_NE(message.find("pid 43"), std::string::npos) << message;
  EXPECT_NE(message.find("pid 44"), std::string::npos) << message;
  EXPECT_TRUE(error_of({dir}, true).empty());
}

}  // namespace
}  // namespace leakdbg::analysis
