// `leakdbg open` at a terminal (a pseudo-terminal here), as a user types at it: `help` works
// like `?`, Ctrl-C cancels the line being typed and not the session, Ctrl-D ends it with a
// newline, the history is saved whichever way the session ends, and `q` is not stored.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "e2e_util.h"

namespace {

const std::string kPrompt = "0:snap> ";

class TerminalSession {
 public:
  TerminalSession(const std::string& home, const std::string& input) {
    pid_ = forkpty(&fd_, nullptr, nullptr, nullptr);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "xterm", 1);  // as at a user's terminal, whatever runs the tests
      std::string leakdbg = e2e::leakdbg();
      execl(leakdbg.c_str(), leakdbg.c_str(), "open", input.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~TerminalSession() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

  bool started() const { return pid_ > 0 && fd_ >= 0; }

  // Reads until `count` occurrences of `text` have arrived since the last mark (or the
  // terminal closes); generous deadline, since the machine may be loaded.
  bool wait_for(const std::string& text, size_t count = 1) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (occurrences(text) < count) {
      if (std::chrono::steady_clock::now() > deadline || !read_some()) return false;
    }
    return true;
  }
  // Waits for the prompt and then for the line editor to take the terminal (canonical mode
  // off): keys typed while the program is between two lines reach the terminal's own line
  // discipline, which turns Ctrl-D into an end-of-file marker the editor later reads as a
  // stray character. A user types after the prompt; so does the test.
  bool wait_for_prompt(size_t count = 1) {
    if (!wait_for(kPrompt, count)) return false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      termios mode{};
      if (tcgetattr(fd_, &mode) == 0 && (mode.c_lflag & ICANON) == 0) return true;
      read_some();
    }
    return false;
  }
  void type(const std::string& keys) {
    ASSERT_EQ(write(fd_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }
  // Like type(), for a key that may reach a session already ending.
  void press(const std::string& keys) {
    [[maybe_unused]] ssize_t n = write(fd_, keys.data(), keys.size());
  }
  void mark() { mark_ = output_.size(); }
  std::string since_mark() const { return output_.substr(mark_); }
  void kill_now() { kill(pid_, SIGKILL); }

  // True once the terminal has closed (the session ended) within `seconds`.
  bool wait_closed(int seconds) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (read_some()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
    }
    return true;
  }

  // The exit status once the session has ended (reading the rest of its output first); a
  // session that does not end within 20 s is killed, so a hang fails the test instead of
  // stalling the suite.
  int wait_exit() {
    if (!wait_closed(20)) kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  size_t occurrences(const std::string& text) const {
    size_t n = 0;
    for (size_t at = output_.find(text, mark_); at != std::string::npos;
         at = output_.find(text, at + text.size()))
      ++n;
    return n;
  }
  // False once the terminal is closed (the session ended).
  bool read_some() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) return true;
    char buf[4096];
    ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  bool reaped_ = false;
  std::string output_;
  size_t mark_ = 0;
};

// The history file's lines, with libedit's escaped spaces ("\\040") read back.
std::string read_history(const std::string& home) {
  std::ifstream in(home + "/.leakdbg_history");
  std::stringstream text;
  text << in.rdbuf();
  std::string lines = text.str();
  for (size_t at = lines.find("\\040"); at != std::string::npos; at = lines.find("\\040", at))
    lines.replace(at, 4, " ");
  return lines;
}

std::string input_file() { return std::string(LEAKDBG_WINDOWS_DATA) + "/heap-s.txt"; }

TEST(OpenTerminal, HelpCtrlCAndQuitKeepTheRightHistory) {
  std::string home = e2e::scratch_dir("prompt-terminal-quit");
  TerminalSession s(home, input_file());
  ASSERT_TRUE(s.started());
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();

  s.mark();
  s.type("help\r");
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  EXPECT_NE(s.since_mark().find("WinDbg-style commands"), std::string::npos) << s.since_mark();

  // Ctrl-C in the middle of a line: a fresh prompt, the session goes on, the line is dropped.
  s.mark();
  s.type("!heap -stat half-typed");
  ASSERT_TRUE(s.wait_for("half-typed")) << s.since_mark();
  s.type("\x03");
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  s.mark();
  s.type(".snap\r");
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  EXPECT_NE(s.since_mark().find("heap-s.txt"), std::string::npos) << s.since_mark();
  EXPECT_EQ(s.since_mark().find("leakdbg:"), std::string::npos) << s.since_mark();

  s.type("q\r");
  EXPECT_EQ(s.wait_exit(), 0);
  std::string history = read_history(home);
  EXPECT_NE(history.find("help\n"), std::string::npos) << history;
  EXPECT_NE(history.find(".snap\n"), std::string::npos) << history;
  EXPECT_EQ(history.find("half-typed"), std::string::npos) << history;
  EXPECT_EQ(history.find("\nq\n"), std::string::npos) << history;
}

// Ctrl-C typed right behind a key reaches the program while its editor is still echoing; each
// one must still cancel its line. A Ctrl-C that arrived between two reads used to be lost and
// left the editor waiting with the cancelled line still open.
TEST(OpenTerminal, CtrlCRightAfterAKeyAlwaysCancels) {
  std::string home = e2e::scratch_dir("prompt-terminal-ctrlc-race");
  TerminalSession s(home, input_file());
  ASSERT_TRUE(s.started());
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  for (int round = 0; round < 25; ++round) {
    s.mark();
    s.type("!heap -stat");
    s.type("\x03");
    ASSERT_TRUE(s.wait_for_prompt()) << "round " << round << ": " << s.since_mark();
  }
  s.type("q\r");
  EXPECT_EQ(s.wait_exit(), 0);
  EXPECT_EQ(read_history(home).find("!heap -stat"), std::string::npos) << read_history(home);
}

TEST(OpenTerminal, CtrlDEndsWithANewline) {
  std::string home = e2e::scratch_dir("prompt-terminal-eof");
  TerminalSession s(home, input_file());
  ASSERT_TRUE(s.started());
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  s.mark();
  s.type("!heap -s\r");
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  s.mark();
  s.press("\x04");
  EXPECT_EQ(s.wait_exit(), 0);
  // The shell's next prompt starts on a line of its own. The terminal itself may echo the key
  // as "^D" when it comes before the line editor has taken the terminal over.
  std::string tail = s.since_mark();
  while (tail.rfind("^D", 0) == 0) tail.erase(0, 2);
  EXPECT_EQ(tail, "\r\n");
  EXPECT_NE(read_history(home).find("!heap -s\n"), std::string::npos) << read_history(home);
}

TEST(OpenTerminal, HistoryOutlivesAKilledSession) {
  std::string home = e2e::scratch_dir("prompt-terminal-kill");
  TerminalSession s(home, input_file());
  ASSERT_TRUE(s.started());
  ASSERT_TRUE(s.wait_for_prompt()) << s.since_mark();
  s.type(".snap 0\r");
  ASSERT_TRUE(s.wait_for_prompt(2));
  s.kill_now();
  EXPECT_EQ(s.wait_exit(), 128 + SIGKILL);
  EXPECT_NE(read_history(home).find(".snap 0\n"), std::string::npos) << read_history(home);
}

}  // namespace
