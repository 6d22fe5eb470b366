// The commands of the format part through the real `leakdbg` executable: `info` (text, JSON,
// corrupt files), `run` (with a stand-in tracker: exit status, signals, directories) and
// `snap` (with a stand-in control socket).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "e2e_util.h"
#include "format/model_encoder.h"
#include "snapshot_fixture.h"

namespace leakdbg {
namespace {

namespace fs = std::filesystem;

const std::string kTracker = "LEAKDBG_TRACKER=" FAKE_TRACKER_PATH;

std::string only_line(const std::string& text) {
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  return text.substr(0, text.find('\n'));
}

TEST(InfoCommand, JsonCountsEverySection) {
  std::string dir = e2e::scratch_dir("info-json");
  std::string path = dir + "/0003-interval.ldsnap";
  fmt::write_snapshot(test::sample_model(), path);
  e2e::Result r = e2e::run({e2e::leakdbg(), "info", path, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = e2e::json_of(r);
  EXPECT_EQ(j["blocks"], 3);
  EXPECT_EQ(j["bytes"], 48 + (1 << 20));
  EXPECT_EQ(j["mmap_regions"], 1);
  EXPECT_EQ(j["mmap_bytes"], 8 << 20);
  EXPECT_EQ(j["file_mappings"], 1);
  EXPECT_EQ(j["stacks"], 3);
  EXPECT_EQ(j["modules"], 2);
  EXPECT_EQ(j["unloaded_modules"], 1);
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["sequence"], 3);
  EXPECT_EQ(j["trigger"], "interval");
  EXPECT_EQ(j["label"], "after warm-up");
  EXPECT_EQ(j["executable"], "/usr/bin/server");
  EXPECT_EQ(j["format_version"], 2);
  EXPECT_EQ(j["lowest_block"], "0x10000");
  EXPECT_EQ(j["module_list"][0]["load_bias"], "0x555500000000");
  EXPECT_EQ(j["module_list"][0]["build_id"], "0102abcd");
  EXPECT_EQ(j["arenas"].size(), 2u);
  EXPECT_EQ(j["arenas"][0]["address"], "0x7f3000000000");
  EXPECT_EQ(j["sites"], 2);
  EXPECT_EQ(j["samples"], 2);
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["tracker"]["total_allocs"], 1000);
  EXPECT_EQ(j["snapshot_time"], "2023-11-14 22:13:32.500 UTC");
  EXPECT_EQ(j["uptime_seconds"], 12.5);
}

TEST(InfoCommand, TextSummary) {
  std::string dir = e2e::scratch_dir("info-text");
  std::string path = dir + "/0003-interval.ldsnap";
  fmt::write_snapshot(test::sample_model(), path);
  e2e::Result r = e2e::run({e2e::leakdbg(), "info", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pid 4242"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 blocks, 1.0 MiB requested"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("interval, sequence 3, label \"after warm-up\""), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("1 anonymous regions, 8.0 MiB"), std::string::npos) << r.out;
}

TEST(InfoCommand, CorruptFilesGiveOneLineAndFail) {
  fs::path corpus = fs::path(LEAKDBG_SOURCE_DIR) / "tests" / "data" / "corrupt";
  for (const char* name :
       {"bad-empty.ldsnap", "bad-truncated-000030.ldsnap", "bad-crc.ldsnap",
        "bad-newer-version.ldsnap", "bad-magic.ldsnap", "bad-stack-depth.ldsnap"}) {
    std::string path = (corpus / name).string();
    e2e::Result r = e2e::run({e2e::leakdbg(), "info", path});
    EXPECT_NE(r.exit_code, 0) << name;
    EXPECT_EQ(r.out, "") << name;
    EXPECT_EQ(only_line(r.err).rfind("leakdbg: " + path + ": ", 0), 0u) << r.err;
  }
  e2e::Result missing = e2e::run({e2e::leakdbg(), "info", "/nonexistent.ldsnap"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_EQ(only_line(missing.err),
            "leakdbg: /nonexistent.ldsnap: cannot open: No such file or directory");
}

TEST(RunCommand, PassesOptionsAndExitStatus) {
  std::string dir = e2e::scratch_dir("run-status") + "/snaps";
  e2e::Result r =
      e2e::run({e2e::leakdbg(), "run", "-o", dir, "--interval", "0.5", "--max-frames", "10",
                "--follow-exec", "--fork", "stop", "--", "/bin/sh", "-c", "exit 3"},
               {kTracker});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(only_line(r.err), "leakdbg: 1 snapshots in " + dir);
  e2e::Result info = e2e::run({e2e::leakdbg(), "info", "--json", dir + "/0001-api.ldsnap"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  std::string label = e2e::json_of(info)["label"];
  EXPECT_EQ(label,
            std::string("interval=0.5 frames=10 follow=1 fork=stop preload=") + FAKE_TRACKER_PATH);
}

TEST(RunCommand, DefaultsAndExistingPreload) {
  std::string dir = e2e::scratch_dir("run-defaults");
  // Default directory: leakdbg-<program>-<pid> in the current directory.
  e2e::Result r = e2e::run(
      {"/bin/sh", "-c", "cd '" + dir + "' && exec " + e2e::leakdbg() + " run -- /bin/true"},
      {kTracker, "LD_PRELOAD=" EMPTY_PRELOAD_PATH});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string line = only_line(r.err);
  std::string prefix = "leakdbg: 1 snapshots in " + dir + "/leakdbg-true-";
  ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
  std::string out_dir = line.substr(std::string("leakdbg: 1 snapshots in ").size());
  e2e::Result info = e2e::run({e2e::leakdbg(), "info", "--json", out_dir + "/0001-api.ldsnap"});
  nlohmann::json j = e2e::json_of(info);
  EXPECT_EQ(out_dir, dir + "/leakdbg-true-" + std::to_string(j["pid"].get<int>()));
  // The tracker comes first so that it sees allocations before any other preloaded library.
  EXPECT_EQ(j["label"], std::string("interval=- frames=- follow=- fork=continue preload=") +
                            FAKE_TRACKER_PATH + ":" + EMPTY_PRELOAD_PATH);
}

TEST(RunCommand, KilledProgramGives128PlusSignal) {
  std::string dir = e2e::scratch_dir("run-killed") + "/snaps";
  e2e::Result r = e2e::run(
      {e2e::leakdbg(), "run", "-o", dir, "--", "/bin/sh", "-c", "kill -KILL $$"}, {kTracker});
  EXPECT_EQ(r.exit_code, 128 + SIGKILL);
  EXPECT_EQ(only_line(r.err), "leakdbg: 1 snapshots in " + dir);
}

TEST(RunCommand, ProgramThatCannotRunGives127) {
  std::string dir = e2e::scratch_dir("run-noexec") + "/snaps";
  e2e::Result r =
      e2e::run({e2e::leakdbg(), "run", "-o", dir, "--", "/nonexistent/program"}, {kTracker});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_EQ(only_line(r.err),
            "leakdbg: cannot execute /nonexistent/program: No such file or directory");
  EXPECT_FALSE(fs::exists(dir));  // created for the run, removed again while still empty
}

TEST(RunCommand, RefusesDirectoryWithSnapshotsAndMissingTracker) {
  std::string dir = e2e::scratch_dir("run-refuse");
  test::write_file(dir + "/0001-exit.ldsnap", "x");
  e2e::Result r = e2e::run({e2e::leakdbg(), "run", "-o", dir, "--", "/bin/true"}, {kTracker});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(only_line(r.err),
            "leakdbg: " + dir + ": already holds snapshots; give another -o DIR or empty it");
  e2e::Result no_tracker = e2e::run({e2e::leakdbg(), "run", "-o", dir + "/x", "--", "/bin/true"},
                                    {"LEAKDBG_TRACKER=/nonexistent/libleakdbg.so"});
  EXPECT_NE(no_tracker.exit_code, 0);
  EXPECT_EQ(only_line(no_tracker.err),
            "leakdbg: LEAKDBG_TRACKER=/nonexistent/libleakdbg.so: no such file");
}

TEST(RunCommand, ForwardsTermination) {
  std::string dir = e2e::scratch_dir("run-signal") + "/snaps";
  std::string exe = e2e::leakdbg();
  pid_t pid = fork();
  if (pid == 0) {
    setenv("LEAKDBG_TRACKER", FAKE_TRACKER_PATH, 1);
    execl(exe.c_str(), exe.c_str(), "run", "-o", dir.c_str(), "--", "/bin/sleep", "30", nullptr);
    _exit(126);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);  // sleep died of the forwarded SIGTERM
}

// Starts the stand-in control server as a process "tracked" by leakdbg and waits for its socket.
pid_t start_server(const std::string& socket_dir, const char* mode, bool tracked = true) {
  pid_t pid = fork();
  if (pid == 0) {
    setenv("LEAKDBG_SOCKET_DIR", socket_dir.c_str(), 1);
    if (tracked) setenv("LEAKDBG_OUTPUT_DIR", "/tmp", 1);
    execl(FAKE_SERVER_PATH, FAKE_SERVER_PATH, mode, nullptr);
    _exit(126);
  }
  std::string socket = socket_dir + "/" + std::to_string(pid) + ".sock";
  for (int i = 0; i < 500 && !fs::exists(socket); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pid;
}

TEST(SnapCommand, AsksTheTrackerAndPrintsThePath) {
  std::string dir = e2e::scratch_dir("snap-ok");
  chmod(dir.c_str(), 0700);
  pid_t server = start_server(dir, "ok");
  e2e::Result r =
      e2e::run({e2e::leakdbg(), "snap", std::to_string(server), "--label", "before login"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, dir + "/snapshot before login\n");
  waitpid(server, nullptr, 0);

  server = start_server(dir, "error");
  r = e2e::run({e2e::leakdbg(), "snap", std::to_string(server)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(only_line(r.err),
            "leakdbg: process " + std::to_string(server) + ": snapshot failed: disk full");
  waitpid(server, nullptr, 0);

  server = start_server(dir, "silent");
  r = e2e::run({e2e::leakdbg(), "snap", std::to_string(server)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(only_line(r.err), "leakdbg: process " + std::to_string(server) +
                                  " closed the control connection without an answer");
  waitpid(server, nullptr, 0);
}

TEST(SnapCommand, RefusesAnOpenSocketDirectory) {
  std::string dir = e2e::scratch_dir("snap-open");
  chmod(dir.c_str(), 0777);
  pid_t server = start_server(dir, "ok");
  e2e::Result r = e2e::run({e2e::leakdbg(), "snap", std::to_string(server)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(only_line(r.err),
            "leakdbg: " + dir +
                ": control socket directory is not private to this user; refusing to use it");
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
}

TEST(SnapCommand, UntrackedAndDeadProcesses) {
  pid_t sleeper = fork();
  if (sleeper == 0) {
    unsetenv("LEAKDBG_OUTPUT_DIR");
    execl("/bin/sleep", "sleep", "10", nullptr);
    _exit(126);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  e2e::Result r = e2e::run({e2e::leakdbg(), "snap", std::to_string(sleeper)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(only_line(r.err).find("was not started under leakdbg"), std::string::npos) << r.err;
  kill(sleeper, SIGKILL);
  waitpid(sleeper, nullptr, 0);
  r = e2e::run({e2e::leakdbg(), "snap", std::to_string(sleeper)});  // reaped: gone
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(only_line(r.err), "leakdbg: no process " + std::to_string(sleeper));

  std::string dir = e2e::scratch_dir("snap-nosocket");
  chmod(dir.c_str(), 0700);
  pid_t tracked = fork();
  if (tracked == 0) {
    setenv("LEAKDBG_SOCKET_DIR", dir.c_str(), 1);
    setenv("LEAKDBG_OUTPUT_DIR", "/tmp", 1);
    execl("/bin/sleep", "sleep", "10", nullptr);
    _exit(126);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  r = e2e::run({e2e::leakdbg(), "snap", std::to_string(tracked)});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(only_line(r.err).find("is not tracked by leakdbg (no control socket"),
            std::string::npos)
      << r.err;
  kill(tracked, SIGKILL);
  waitpid(tracked, nullptr, 0);
}

}  // namespace
}  // namespace leakdbg
