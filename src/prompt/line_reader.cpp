#include "prompt/line_reader.h"

#include <editline/readline.h>
#include <signal.h>
#include <unistd.h>

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

}  // namespace

LineReader::LineReader(std::string history_path, std::function<bool(const std::string&)> keep)
    : history_path_(std::move(history_path)),
      keep_(std::move(keep)),
      interactive_(isatty(STDIN_FILENO) != 0) {
  if (!interactive_) return;
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
