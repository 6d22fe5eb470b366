// The error policy of the command line, run in-process: exit codes and the one line on stderr.
#include "cli/app.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "format/model_encoder.h"
#include "format/records.h"
#include "model/heap_model.h"

namespace leakdbg::cli {
namespace {

struct Outcome {
  int code;
  std::string err, out;
};

Outcome run(std::vector<const char*> args) {
  args.insert(args.begin(), "leakdbg");
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  int code = run_command_line(static_cast<int>(args.size()), args.data());
  std::string out = testing::internal::GetCapturedStdout();
  return {code, testing::internal::GetCapturedStderr(), out};
}

TEST(App, UnknownCommandListsTheCommands) {
  Outcome o = run({"bogus"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown command 'bogus'"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("run, snap, top"), std::string::npos) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1);
}

TEST(App, UnknownOptionIsNamed) {
  Outcome o = run({"diff", "a.ldsnap", "b.ldsnap", "--bogus", "3"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("diff: unknown option --bogus"), std::string::npos) << o.err;
}

TEST(App, AnOptionACommandDoesNotTakeIsNamedNotCountedAsAnArgument) {
  Outcome o = run({"diff", "a.ldsnap", "b.ldsnap", "--top", "3"});
  EXPECT_EQ(o.code, 2);
  EXPECT_EQ(o.err, "leakdbg: diff: unknown option --top (see leakdbg --help)\n");
}

TEST(App, TopFailsWithOneLineWhenItsCsvCannotBeWritten) {
  std::string pid = std::to_string(getpid());
  Outcome o = run({"top", "--csv", "/dev/full", "--count", "1", pid.c_str()});
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "leakdbg: /dev/full: cannot write: No space left on device\n");
}

TEST(App, AnalyzeWarnsOnStderrAndKeepsStdoutForTheReport) {
  std::string dir = "/tmp/leakdbg-app-test-analyze-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (uint64_t sequence : {1, 2}) {
    HeapModel m;
    m.format_version = fmt::kFormatVersion;
    m.pid = 4242;
    m.sequence = sequence;
    m.trigger = Trigger::kInterval;
    m.tick_ns = 1000000;
    m.current_tick = 1000 * sequence;
    fmt::write_snapshot(m, dir + "/000" + std::to_string(sequence) + "-interval.ldsnap");
  }
  std::ofstream(dir + "/0003-interval.ldsnap") << "not a snapshot\n";
  Outcome o = run({"analyze", dir.c_str()});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_NE(o.err.find("leakdbg: warning: skipped: " + dir + "/0003-interval.ldsnap"),
            std::string::npos)
      << o.err;
  EXPECT_EQ(o.out.find("0003-interval"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("warning"), std::string::npos) << o.out;
  EXPECT_FALSE(o.out.empty());
}

TEST(App, BadNumbersAreUsageErrors) {
  EXPECT_EQ(run({"top", "1", "--count", "-1"}).code, 2);
  EXPECT_EQ(run({"top", "1", "--interval", "nan"}).code, 2);
  EXPECT_EQ(run({"top", "0x10"}).code, 2);
  EXPECT_EQ(run({"snap", "0x10"}).code, 2);
  Outcome o = run({"top", "1", "--interval", "-1"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--interval"), std::string::npos) << o.err;
}

TEST(App, UnreadableInputIsARuntimeFailure) {
  Outcome o = run({"info", "/nonexistent/x.ldsnap"});
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err.rfind("leakdbg: ", 0), 0u) << o.err;
}

TEST(App, AFifoIsRefusedWithoutBlocking) {
  std::string fifo = "/tmp/leakdbg-app-test-fifo-" + std::to_string(getpid());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const char* command : {"info", "stat", "summary"}) {
    Outcome o = run({command, fifo.c_str()});  // would hang in open() without the check
    EXPECT_EQ(o.code, 1) << command;
    EXPECT_NE(o.err.find("not a regular file"), std::string::npos) << o.err;
  }
  unlink(fifo.c_str());
}

TEST(App, SizesAreWholeBytes) {
  Outcome o = run({"blocks", "/nonexistent.ldsnap", "--size", "1.5"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("--size: '1.5' is not a whole number of bytes"), std::string::npos) << o.err;
}

TEST(App, RowLimitsHaveOneRangeAndTwoNames) {
  for (const char* name : {"--top", "--limit"}) {
    Outcome o = run({"stat", "/nonexistent.ldsnap", name, "-1"});
    EXPECT_EQ(o.code, 2) << name;
    EXPECT_EQ(
        o.err,
        "leakdbg: --top: '-1' is not a whole number from 0 to 1000000 (see leakdbg --help)\n");
    EXPECT_EQ(run({"blocks", "/nonexistent.ldsnap", "--size", "8", name, "5"}).code, 1) << name;
  }
}

TEST(App, RunRefusesBadIntervalsBeforeStarting) {
  for (const char* interval : {"nan", "0.001", "-1", "abc", "inf"}) {
    Outcome o = run({"run", "--interval", interval, "--", "/bin/true"});
    EXPECT_EQ(o.code, 2) << interval;
    EXPECT_NE(o.err.find("--interval"), std::string::npos) << o.err;
    EXPECT_LT(o.err.size(), 200u) << o.err;  // no 309-digit range
  }
  EXPECT_EQ(run({"run", "--max-frames", "0", "--", "/bin/true"}).code, 2);
}

TEST(App, RunRefusesAStaticProgramBeforeStarting) {
  if (access("/sbin/ldconfig", X_OK) != 0) GTEST_SKIP() << "no /sbin/ldconfig";
  Outcome o = run({"run", "-o", "/nonexistent-dir/x", "--", "/sbin/ldconfig", "-p"});
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("statically linked"), std::string::npos) << o.err;
}

}  // namespace
}  // namespace leakdbg::cli
