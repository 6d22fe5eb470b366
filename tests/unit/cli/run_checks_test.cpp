#include "cli/run_checks.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "util/error.h"

namespace leakdbg::cli {
namespace {

namespace fs = std::filesystem;

fs::path scratch(const std::string& tag) {
  fs::path dir =
      fs::temp_directory_path() / ("leakdbg-run-checks-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

std::string error_of(const fs::path& dir) {
  try {
    prepare_output_directory(dir);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(RunChecks, OutputDirectoryIsCreatedPrivate) {
  fs::path base = scratch("create");
  fs::path dir = base / "a" / "snaps";
  fs::path made = prepare_output_directory(dir);
  EXPECT_EQ(made, fs::canonical(dir));
  EXPECT_EQ(mode_of(dir), 0700u);
  fs::remove_all(base);
}

TEST(RunChecks, SharedOrUsedOrNonDirectoriesAreRefused) {
  fs::path base = scratch("refuse");
  fs::create_directories(base);
  fs::path shared = base / "shared";
  fs::create_directory(shared);
  chmod(shared.c_str(), 01777);
  EXPECT_NE(error_of(shared).find("others can write to it (mode 777)"), std::string::npos)
      << error_of(shared);
  fs::path used = base / "used";
  fs::create_directory(used);
  std::ofstream(used / "0001-exit.ldsnap") << "x";
  EXPECT_NE(error_of(used).find("already holds snapshots"), std::string::npos);
  fs::path file = base / "file";
  std::ofstream(file) << "x";
  EXPECT_NE(error_of(file).find("not a directory"), std::string::npos);
  fs::path mine = base / "mine";
  fs::create_directory(mine);
  chmod(mine.c_str(), 0755);  // readable by others is fine: the files are 0600
  EXPECT_EQ(error_of(mine), "");
  fs::remove_all(base);
}

TEST(RunChecks, StaticProgramsCannotBeTracked) {
  if (!fs::exists("/sbin/ldconfig")) GTEST_SKIP() << "no /sbin/ldconfig (a static program)";
  EXPECT_NE(preload_obstacle("/sbin/ldconfig").find("statically linked"), std::string::npos);
  EXPECT_EQ(preload_obstacle("/bin/sh"), "");
  EXPECT_EQ(preload_obstacle("/nonexistent"), "");  // exec reports that one
  fs::path script = scratch("script");
  std::ofstream(script) << "#!/bin/sh\ntrue\n";
  EXPECT_EQ(preload_obstacle(script), "");  // not ELF: its interpreter is what runs
  fs::remove(script);
}

TEST(RunChecks, SetuidProgramsOfOthersCannotBeTracked) {
  if (!fs::exists("/usr/bin/passwd") || !(mode_of("/usr/bin/passwd") & S_ISUID))
    GTEST_SKIP() << "no setuid /usr/bin/passwd";
  std::string why = preload_obstacle("/usr/bin/passwd");
  if (getuid() == 0)
    EXPECT_EQ(why, "");  // setuid root run by root: no secure-execution mode
  else
    EXPECT_NE(why.find("setuid"), std::string::npos) << why;
}

TEST(RunChecks, FindsProgramsOnThePath) {
  EXPECT_EQ(find_program("./x"), "./x");
  EXPECT_FALSE(find_program("sh").empty());
  EXPECT_EQ(find_program("no-such-program-leakdbg"), "");
}

TEST(RunChecks, ClosingLineCountsEverySeries) {
  fs::path dir = scratch("count");
  fs::create_directories(dir / "fork-12");
  fs::create_directories(dir / "exec-13-1");
  for (const char* f :
       {"0001-interval.ldsnap", "0002-exit.ldsnap", ".0003-exit.ldsnap.9.tmp",
        "fork-12/0001-exit.ldsnap", "exec-13-1/0001-interval.ldsnap", "exec-13-1/0002-exit.ldsnap"})
    std::ofstream(dir / f) << "x";
  SeriesCount count = count_series(dir);
  EXPECT_EQ(count.snapshots, 2u);
  EXPECT_EQ(count.fork_series, 1u);
  EXPECT_EQ(count.fork_snapshots, 1u);
  EXPECT_EQ(count.exec_series, 1u);
  EXPECT_EQ(count.exec_snapshots, 2u);
  EXPECT_EQ(closing_line(count, "D"),
            "2 snapshots in D (and 1 in 1 fork series, 2 in 1 exec series)");
  EXPECT_EQ(closing_line(SeriesCount{1, 0, 0, 0, 0}, "D\033"), "1 snapshots in D\\x1b");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace leakdbg::cli
