// Process life events under the tracker: fork (continue or stop), exec (untracked unless
// asked), and on-demand snapshots through the control socket.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;

uint64_t blocks_of_exit_snapshot(const std::string& dir) {
  auto paths = e2e::files_in(dir);
  if (paths.empty()) return 0;
  return e2e::info(paths.back())["blocks"].get<uint64_t>();
}

TEST(TrackerProcess, ForkedChildContinuesInItsOwnSeries) {
  std::string dir = e2e::scratch_dir("tracker-fork");
  e2e::Result r = e2e::run({e2e::bin("prog_tracker_fork")},
                           {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int child = std::stoi(r.out);
  std::string child_dir = dir + "/fork-" + std::to_string(child);
  auto child_snapshots = e2e::files_in(child_dir);
  ASSERT_EQ(child_snapshots.size(), 1u);
  nlohmann::json c = e2e::info(child_snapshots[0]);
  EXPECT_EQ(c["pid"], child);
  EXPECT_EQ(c["trigger"], "exit");
  EXPECT_EQ(c["sequence"], 1);
  // The child has the parent's 3 leaks (inherited memory) plus its own 5.
  EXPECT_EQ(blocks_of_exit_snapshot(child_dir), blocks_of_exit_snapshot(dir) + 5);
}

TEST(TrackerProcess, ForkedChildStopsTrackingWhenAsked) {
  std::string dir = e2e::scratch_dir("tracker-fork-stop");
  e2e::Result r = e2e::run(
      {e2e::bin("prog_tracker_fork")},
      {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir, "LEAKDBG_FORK=stop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int child = std::stoi(r.out);
  EXPECT_FALSE(fs::exists(dir + "/fork-" + std::to_string(child)));
  EXPECT_EQ(e2e::files_in(dir).size(), 1u);
}

TEST(TrackerProcess, ExecdProgramsRunUntrackedByDefault) {
  std::string dir = e2e::scratch_dir("tracker-exec");
  e2e::Result r = e2e::run(
      {e2e::bin("prog_tracker_exec")},
      {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir, "LEAKDBG_FORK=stop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "child LD_PRELOAD=[]\n");
  EXPECT_EQ(e2e::files_in(dir).size(), 1u);  // the parent's exit snapshot only
}

TEST(TrackerProcess, FollowExecTracksTheExecdProgramInItsOwnFolder) {
  std::string dir = e2e::scratch_dir("tracker-exec-follow");
  e2e::Result r = e2e::run({e2e::bin("prog_tracker_exec")},
                           {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir,
                            "LEAKDBG_FORK=stop", "LEAKDBG_FOLLOW_EXEC=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("libleakdbg"), std::string::npos) << r.out;
  int exec_series = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_directory() && entry.path().filename().string().rfind("exec-", 0) == 0) {
      ++exec_series;
      EXPECT_EQ(e2e::files_in(entry.path().string()).size(), 1u);
    }
  EXPECT_EQ(exec_series, 1);
}

// Sends one request line to the tracker's socket and returns its answer line.
std::string ask(const std::string& socket_path, const std::string& line) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return "";
  }
  if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    close(fd);
    return "";
  }
  std::string answer;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') answer.push_back(c);
  close(fd);
  return answer;
}

// Runs prog_tracker_ending MODE under the tracker; returns its wait status.
int run_ending(const std::string& dir, const std::string& mode, int signal_to_send) {
  const std::string ready = dir + "-ready";
  fs::remove(ready);
  pid_t pid = e2e::start({e2e::bin("prog_tracker_ending"), mode, "300", ready},
                         {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir,
                          "LEAKDBG_SOCKET_DIR=" + dir + "-sockets"});
  if (pid < 0) return -1;
  if (signal_to_send != 0) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!fs::exists(ready) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the threads churn
    kill(pid, signal_to_send);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// However the process ends, the last snapshot is the exit snapshot with the leaked blocks.
void expect_exit_snapshot(const std::string& dir, const std::string& label) {
  auto paths = e2e::files_in(dir);
  ASSERT_FALSE(paths.empty());
  for (const auto& path : paths) EXPECT_EQ(path.find(".tmp"), std::string::npos) << path;
  nlohmann::json j = e2e::info(paths.back());
  EXPECT_EQ(j["trigger"], "exit");
  EXPECT_EQ(j["label"], label);
  EXPECT_GE(j["blocks"].get<uint64_t>(), 300u);
}

TEST(TrackerProcess, UnderscoreExitStillWritesTheExitSnapshot) {
  std::string dir = e2e::scratch_dir("tracker-end-exit");
  int status = run_ending(dir, "_exit", 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
  expect_exit_snapshot(dir, "");
}

TEST(TrackerProcess, TerminationSignalsWriteTheExitSnapshotAndStillEndTheProcess) {
  for (int sig : {SIGTERM, SIGINT}) {
    SCOPED_TRACE(sig);
    std::string dir = e2e::scratch_dir(sig == SIGTERM ? "tracker-end-term" : "tracker-end-int");
    int status = run_ending(dir, "wait", sig);
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
    EXPECT_EQ(WTERMSIG(status), sig);
    expect_exit_snapshot(dir, sig == SIGTERM ? "SIGTERM" : "SIGINT");
    // The churning threads were alive at the snapshot: their records carry their stacks,
    // which vmmap names by thread id.
    e2e::Result vmmap =
        e2e::run({e2e::leakdbg(), "vmmap", e2e::files_in(dir).back(), "--detail", "Stack"});
    EXPECT_EQ(vmmap.exit_code, 0) << vmmap.err;
    EXPECT_TRUE(
        std::regex_search(vmmap.out, std::regex(R"(rw-p +thread [0-9]+ \(prog_tracker_en)")))
        << vmmap.out;
  }
}

TEST(TrackerProcess, ControlSocketTakesSnapshotsOnRequest) {
  std::string dir = e2e::scratch_dir("tracker-socket");
  std::string socket_dir = dir + "-sockets";
  fs::remove_all(socket_dir);
  pid_t pid = e2e::start({e2e::bin("prog_tracker_leaks"), "1", "3", "8000"},
                         {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + dir,
                          "LEAKDBG_SOCKET_DIR=" + socket_dir});
  ASSERT_GT(pid, 0);

  std::string socket_path = socket_dir + "/" + std::to_string(pid) + ".sock";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(6);
  while (!fs::exists(socket_path) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(fs::exists(socket_path));
  EXPECT_EQ(fs::status(socket_dir).permissions() & fs::perms::all, fs::perms::owner_all);

  std::string answer = ask(socket_path, "snapshot from-test\n");
  ASSERT_EQ(answer.rfind("ok ", 0), 0u) << answer;
  nlohmann::json j = e2e::info(answer.substr(3));
  EXPECT_EQ(j["trigger"], "request");
  EXPECT_EQ(j["label"], "from-test");
  EXPECT_EQ(ask(socket_path, "format disk\n").rfind("error ", 0), 0u);

  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_FALSE(fs::exists(socket_path)) << "the socket is removed at exit";
}

}  // namespace
