#include "prompt/line_reader.h"

#include <editline/readline.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <iostream>

namespace leakdbg::prompt {

namespace {
constexpr int kHistoryLines = 1000;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// While a line is read, Ctrl-C interrupts the read (no SA_RESTART) instead of ending the
// process; the previous handler comes back afterwards.
class InterruptCatcher {
 public:
  InterruptCatcher() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
    g_interrupted = 0;
  }
  ~InterruptCatcher() { sigaction(SIGINT, &previous_, nullptr); }
  InterruptCatcher(const InterruptCatcher&) = delete;
  InterruptCatcher& operator=(const InterruptCatcher&) = delete;

 private:
  struct sigaction previous_ {};
};

// The terminal opened a second time without blocking: a Ctrl-C also empties the terminal's
// input, so a read() that poll() had cleared could otherwise block with the interrupt held
// back. A descriptor of our own keeps O_NONBLOCK away from the shell's.
int g_key_fd = -1;

// The line editor's key reader. A Ctrl-C that lands while the editor is between two reads
// (echoing the last key, say) would leave a plain read() blocked with the line still open;
// here SIGINT stays blocked except inside ppoll(), so the flag is always seen before waiting.
// Multi-byte UTF-8 keys are decoded here because the editor widens the int it gets as is.
int read_key(FILE*) {
  int fd = g_key_fd >= 0 ? g_key_fd : STDIN_FILENO;
  sigset_t interrupt, previous;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  pthread_sigmask(SIG_BLOCK, &interrupt, &previous);
  sigset_t waiting = previous;
  sigdelset(&waiting, SIGINT);
  auto next_byte = [&]() -> int {
    for (;;) {
      if (g_interrupted) return -1;
      pollfd p{fd, POLLIN, 0};
      if (ppoll(&p, 1, nullptr, &waiting) < 0) {
        if (errno == EINTR) continue;
        return -1;
      }
      unsigned char byte = 0;
      ssize_t got = read(fd, &byte, 1);
      if (got == 1) return byte;
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      return -1;  // end of input
    }
  };
  int key = next_byte();
  int more = key >= 0xf0 ? 3 : key >= 0xe0 ? 2 : key >= 0xc0 ? 1 : 0;
  if (more > 0) key &= 0x3f >> more;
  for (; more > 0 && key >= 0; --more) {
    int next = next_byte();
    key = next < 0 ? -1 : (key << 6) | (next & 0x3f);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return key;
}

}  // namespace

LineReader::LineReader(std::string history_path, std::function<bool(const std::string&)> keep)
    : history_path_(std::move(history_path)),
      keep_(std::move(keep)),
      interactive_(isatty(STDIN_FILENO) != 0) {
  if (!interactive_) return;
  if (const char* terminal = ttyname(STDIN_FILENO); terminal && g_key_fd < 0)
    g_key_fd = open(terminal, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  rl_getc_function = read_key;  // before the editor starts, which is when it takes the hook
  using_history();
  stifle_history(kHistoryLines);
  if (!history_path_.empty()) read_history(history_path_.c_str());
}

LineReader::~LineReader() = default;

std::optional<std::string> LineReader::read(const std::string& prompt) {
  if (!interactive_) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  char* raw = nullptr;
  bool interrupted = false;
  {
    InterruptCatcher catcher;
    raw = readline(prompt.c_str());
    interrupted = g_interrupted != 0;
  }
  if (!raw) {
    std::cout << '\n' << std::flush;  // the prompt's line ends, cancelled or at the end
    if (interrupted) return std::string();
    return std::nullopt;
  }
  std::string line(raw);
  std::free(raw);
  if (interrupted) {
    std::cout << '\n' << std::flush;
    return std::string();
  }
  // Like a shell: repeated and blank lines do not fill the history.
  if (line.find_first_not_of(" \t") != std::string::npos && (!keep_ || keep_(line))) {
    HIST_ENTRY* last =
        history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
    if (!last || line != last->line) {
      add_history(line.c_str());
      if (!history_path_.empty()) write_history(history_path_.c_str());
    }
  }
  return line;
}

std::string default_history_path() {
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/.leakdbg_history" : std::string();
}

}  // namespace leakdbg::prompt
