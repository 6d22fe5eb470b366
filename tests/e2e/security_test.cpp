// What another local user can do to a root user's snapshots: nothing. Run as root, the test
// creates an unprivileged user (removed afterwards) and shows that this user cannot read
// snapshots, cannot redirect the tracker's writes through links or directories planted in
// an output directory, and cannot trigger snapshots. Skipped (with a message) when not root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e_util.h"

namespace fs = std::filesystem;

namespace {

std::string g_user;
uid_t g_uid = 0;
gid_t g_gid = 0;

class Security : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    g_user = "leakdbgsec" + std::to_string(getpid() % 100000);
    e2e::Result r = e2e::run({"/usr/sbin/useradd", "--system", "--no-create-home", "--shell",
                              "/usr/sbin/nologin", g_user});
    passwd* pw = r.exit_code == 0 ? getpwnam(g_user.c_str()) : nullptr;
    if (!pw) {
      g_user.clear();
      return;
    }
    g_uid = pw->pw_uid;
    g_gid = pw->pw_gid;
  }
  static void TearDownTestSuite() {
    if (!g_user.empty()) e2e::run({"/usr/sbin/userdel", g_user});
  }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: creates an unprivileged user to attack with";
    if (g_user.empty()) GTEST_SKIP() << "useradd failed: no user to attack with";
  }

  // Runs argv as the unprivileged user.
  static e2e::Result as_user(std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"/usr/bin/setpriv", "--reuid=" + std::to_string(g_uid),
                               "--regid=" + std::to_string(g_gid), "--clear-groups"});
    return e2e::run(argv);
  }

  // A fresh directory under /tmp, which every user can reach.
  static std::string tmp_dir(const std::string& tag, mode_t mode) {
    std::string pattern = "/tmp/leakdbg-sec-" + tag + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    EXPECT_NE(mkdtemp(buf.data()), nullptr);
    chmod(buf.data(), mode);
    return buf.data();
  }

  static mode_t mode_of(const std::string& path) {
    struct stat st {};
    lstat(path.c_str(), &st);
    return st.st_mode & 07777;
  }
};

TEST_F(Security, SnapshotsAndTheirDirectoriesArePrivate) {
  std::string base = tmp_dir("private", 0755);
  std::string out = base + "/snaps";
  e2e::Result r = e2e::run({e2e::leakdbg(), "run", "-o", out, "--", "/bin/true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = e2e::files_in(out);
  ASSERT_FALSE(files.empty()) << r.err;
  EXPECT_EQ(mode_of(out), 0700u);
  for (const auto& f : files) EXPECT_EQ(mode_of(f), 0600u) << f;
  // Even with the directory opened up, the file itself keeps the other user out.
  chmod(out.c_str(), 0755);
  e2e::Result read = as_user({"/bin/cat", files.front()});
  EXPECT_NE(read.exit_code, 0);
  EXPECT_TRUE(read.out.empty());
  fs::remove_all(base);
}

TEST_F(Security, LinksPlantedInASharedDirectoryRedirectNothing) {
  std::string shared = tmp_dir("shared", 01777);
  std::string victim_dir = tmp_dir("victim", 0755);
  std::string victim = victim_dir + "/victim";
  { std::ofstream(victim) << "keep"; }
  // The other user plants links under the names the tracker would write.
  for (const char* name : {"0001-exit.ldsnap", "fork-1", "exec-1-1"})
    ASSERT_EQ(as_user({"/bin/ln", "-s", victim, shared + "/" + name}).exit_code, 0);

  e2e::Result refused = e2e::run({e2e::leakdbg(), "run", "-o", shared, "--", "/bin/true"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("others can write"), std::string::npos) << refused.err;

  // The tracker itself, preloaded by hand, refuses the directory too.
  e2e::Result direct = e2e::run(
      {"/bin/true"}, {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + shared});
  EXPECT_NE(direct.err.find("writable by others"), std::string::npos) << direct.err;
  std::ifstream in(victim);
  std::string text;
  in >> text;
  EXPECT_EQ(text, "keep");
  EXPECT_EQ(e2e::files_in(shared).size(), 3u);  // the planted links only

  // A directory of the other user's, with a fork-<pid> link waiting in it: refused as well.
  std::string theirs = tmp_dir("theirs", 0755);
  ASSERT_EQ(chown(theirs.c_str(), g_uid, g_gid), 0);
  e2e::Result foreign = e2e::run(
      {"/bin/true"}, {"LD_PRELOAD=" + e2e::tracker_library(), "LEAKDBG_OUTPUT_DIR=" + theirs});
  EXPECT_NE(foreign.err.find("owned by another user"), std::string::npos) << foreign.err;
  EXPECT_TRUE(e2e::files_in(theirs).empty());
  fs::remove_all(shared);
  fs::remove_all(victim_dir);
  fs::remove_all(theirs);
}

TEST_F(Security, AnotherUserCannotTriggerSnapshots) {
  std::string out = tmp_dir("trigger", 0700) + "/snaps";
  std::string sockets = tmp_dir("sockets", 0700);
  pid_t run = e2e::start({e2e::leakdbg(), "run", "-o", out, "--", "/bin/sleep", "20"},
                         {"LEAKDBG_SOCKET_DIR=" + sockets});
  ASSERT_GT(run, 0);
  std::string socket;
  for (int i = 0; i < 200 && socket.empty(); ++i) {
    for (const auto& entry : fs::directory_iterator(sockets))
      if (entry.path().extension() == ".sock") socket = entry.path().string();
    if (socket.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(socket.empty()) << "the tracked program opened no control socket";
  std::string pid = fs::path(socket).stem().string();

  e2e::Result snap = as_user({e2e::leakdbg(), "snap", pid});
  EXPECT_EQ(snap.exit_code, 1);
  EXPECT_NE(snap.err.find("another user"), std::string::npos) << snap.err;

  // Straight to the socket, past leakdbg's own checks: the directory keeps the user out.
  pid_t child = fork();
  if (child == 0) {
    if (setgid(g_gid) != 0 || setuid(g_uid) != 0) _exit(2);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
    _exit(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 ? 1 : 0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the user reached the socket";

  // Its own user still can.
  e2e::Result own = e2e::run({e2e::leakdbg(), "snap", pid}, {"LEAKDBG_SOCKET_DIR=" + sockets});
  EXPECT_EQ(own.exit_code, 0) << own.err;
  kill(run, SIGTERM);
  waitpid(run, &status, 0);
  fs::remove_all(fs::path(out).parent_path());
  fs::remove_all(sockets);
}

}  // namespace
