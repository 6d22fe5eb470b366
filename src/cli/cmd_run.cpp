// `leakdbg run [-o DIR] [--interval S] [--max-frames N] [--follow-exec] [--fork continue|stop]
// [--report] -- PROGRAM ARGS...`: starts PROGRAM with the tracker preloaded, passes signals
// on, and exits as the program did. The tracker does the recording; this side only prepares
// the output directory and the environment of control_protocol.h.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>

#include "analysis/site_label.h"
#include "cli/command.h"
#include "cli/command_options.h"
#include "cli/inspect_format.h"
#include "cli/option_values.h"
#include "cli/run_checks.h"
#include "tracker/control_protocol.h"
#include "util/error.h"
#include "util/terminal_text.h"

namespace leakdbg::cli {
namespace {

namespace fs = std::filesystem;

struct RunArgs {
  std::string output_dir;
  std::string interval = "0";
  std::string max_frames;  // empty: the tracker's default
  bool follow_exec = false;
  std::string fork_mode = "continue";
  std::string reachability;  // empty: the tracker's default (exit and requested snapshots)
  bool report = false;
  std::vector<std::string> alloc_fns;  // passed on to the report's analyze
  std::string report_html;             // `leakdbg report DIR -o FILE` when the program ends
  std::vector<std::string> command;
};

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
volatile sig_atomic_t g_child_pid = 0;

// Signals sent to `leakdbg run` itself (kill, a supervisor) go on to the program. Signals
// from the terminal (Ctrl-C: si_code SI_KERNEL) already reach the program, which shares our
// process group, so forwarding them would deliver them twice.
void forward_signal(int sig, siginfo_t* info, void*) {
  if (info && info->si_code == SI_KERNEL) return;
  if (g_child_pid > 0) kill(g_child_pid, sig);
}

fs::path self_exe() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("cannot find the leakdbg executable: /proc/self/exe: " + ec.message());
  return exe;
}

// LEAKDBG_TRACKER, else next to the executable as in the build tree (bin/ + lib/leakdbg/) and
// in an install prefix (bin/ + lib<suffix>/leakdbg/).
fs::path find_tracker() {
  if (const char* env = std::getenv("LEAKDBG_TRACKER"); env && *env) {
    if (!fs::is_regular_file(env))
      throw Error(std::string("LEAKDBG_TRACKER=") + env + ": no such file");
    return fs::absolute(env);
  }
  fs::path exe_dir = self_exe().parent_path();
  const fs::path candidates[] = {exe_dir / ".." / "lib" / "leakdbg" / "libleakdbg.so",
                                 exe_dir / ".." / LEAKDBG_TRACKER_SUBDIR / "libleakdbg.so"};
  for (const fs::path& candidate : candidates)
    if (fs::is_regular_file(candidate)) return fs::weakly_canonical(candidate);
  throw Error("cannot find the tracker library libleakdbg.so (looked in " +
              candidates[0].lexically_normal().string() + " and " +
              candidates[1].lexically_normal().string() + "; set LEAKDBG_TRACKER)");
}

// Everything but the output directory, which the child sets once it exists.
void set_tracker_environment(const RunArgs& args, const fs::path& tracker, double interval) {
  // The tracker goes first: the first preloaded definition of malloc wins, and the tracker
  // forwards to the next one (a preloaded jemalloc, say) itself.
  std::string preload = tracker.string();
  if (const char* existing = std::getenv("LD_PRELOAD"); existing && *existing)
    preload += std::string(":") + existing;
  setenv("LD_PRELOAD", preload.c_str(), 1);
  if (interval > 0) {
    char text[32];
    std::snprintf(text, sizeof text, "%.9g", interval);  // "0.5", not "0.500000"
    setenv(control::kEnvInterval, text, 1);
  } else
    unsetenv(control::kEnvInterval);
  if (!args.max_frames.empty())
    setenv(control::kEnvMaxFrames,
           std::to_string(parse_count_value(args.max_frames, "--max-frames", 1, 256)).c_str(), 1);
  if (args.follow_exec)
    setenv(control::kEnvFollowExec, "1", 1);
  else
    unsetenv(control::kEnvFollowExec);
  setenv(control::kEnvFork, args.fork_mode.c_str(), 1);
  if (!args.reachability.empty())
    setenv(control::kEnvReachability, args.reachability.c_str(), 1);
  else
    unsetenv(control::kEnvReachability);
}

int exit_status_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Runs `leakdbg analyze DIR`, or `leakdbg report DIR -o HTML` when `html` is given (this same
// executable), with the output going where ours goes.
void run_report(const fs::path& dir, const std::vector<std::string>& alloc_fns,
                const std::string& html = {}) {
  std::fflush(stdout);
  std::string exe = self_exe().string();
  std::string command = html.empty() ? "analyze" : "report";
  std::vector<std::string> words = {exe, command, dir.string()};
  if (!html.empty()) {
    words.push_back("-o");
    words.push_back(html);
  }
  for (const std::string& pattern : alloc_fns) {
    words.push_back("--alloc-fn");
    words.push_back(pattern);
  }
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw Error(std::string("cannot start the report: ") + std::strerror(errno));
  if (pid == 0) {
    unsetenv("LD_PRELOAD");
    execv(exe.c_str(), argv.data());
    std::fprintf(stderr, "leakdbg: cannot run %s %s: %s\n", exe.c_str(), command.c_str(),
                 std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// The child's side of the start-up handshake: wait for the output directory's path (sent
// once the directory exists, since its default name holds the child's pid), then exec.
[[noreturn]] void exec_program(const RunArgs& args, int go_fd, int error_fd) {
  std::string dir;
  char buf[4096];
  ssize_t n;
  while ((n = read(go_fd, buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) _exit(127);
    dir.append(buf, static_cast<size_t>(n));
  }
  if (dir.empty()) _exit(127);  // the parent gave up before starting us
  setenv(control::kEnvOutputDir, dir.c_str(), 1);
  std::vector<char*> argv;
  for (const std::string& arg : args.command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  int err = errno;
  ssize_t ignored = write(error_fd, &err, sizeof err);
  (void)ignored;
  _exit(127);
}

int run_program(const RunArgs& args) {
  if (args.command.empty())
    throw Error("run: no program given (leakdbg run [options] -- PROGRAM ARGS...)", 2);
  double interval = parse_seconds_value(args.interval, "--interval", kMinIntervalSeconds,
                                        kMaxIntervalSeconds, true);
  if (!args.max_frames.empty()) parse_count_value(args.max_frames, "--max-frames", 1, 256);
  const std::string& program = args.command.front();
  if (std::string path = find_program(program); !path.empty())
    if (std::string why = preload_obstacle(path); !why.empty())
      throw Error("cannot track " + escape_control_chars(program) + ": " + why);
  fs::path tracker = find_tracker();
  bool dir_given = !args.output_dir.empty();
  fs::path dir = dir_given ? fs::absolute(args.output_dir).lexically_normal() : fs::path();
  bool created = dir_given && !fs::exists(dir);
  if (dir_given) dir = prepare_output_directory(dir);
  set_tracker_environment(args, tracker, interval);

  // `go` carries the output directory to the child; `exec_error` carries an exec failure
  // back (close-on-exec, so EOF means the exec succeeded).
  int go[2], exec_error[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(exec_error, O_CLOEXEC) != 0)
    throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));

  sigset_t forwarded, previous;
  sigemptyset(&forwarded);
  for (int sig : kForwardedSignals) sigaddset(&forwarded, sig);
  sigprocmask(SIG_BLOCK, &forwarded, &previous);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t child = fork();
  if (child < 0) throw Error(std::string("cannot fork: ") + std::strerror(errno));
  if (child == 0) {
    close(go[1]);
    close(exec_error[0]);
    sigprocmask(SIG_SETMASK, &previous, nullptr);
    exec_program(args, go[0], exec_error[1]);
  }
  close(go[0]);
  close(exec_error[1]);
  g_child_pid = child;
  struct sigaction action {};
  action.sa_sigaction = forward_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&action.sa_mask);
  for (int sig : kForwardedSignals) sigaction(sig, &action, nullptr);
  sigprocmask(SIG_SETMASK, &previous, nullptr);

  if (!dir_given) {
    dir = fs::current_path() /
          ("leakdbg-" + fs::path(program).filename().string() + "-" + std::to_string(child));
    created = !fs::exists(dir);
    try {
      dir = prepare_output_directory(dir);
    } catch (...) {
      close(go[1]);  // the child sees EOF and leaves without running anything
      waitpid(child, nullptr, 0);
      throw;
    }
  }
  std::string dir_text = dir.string();
  ssize_t sent = write(go[1], dir_text.data(), dir_text.size());
  (void)sent;  // a short write makes the child exit, which the wait below reports
  close(go[1]);

  int err = 0;
  ssize_t got;
  while ((got = read(exec_error[0], &err, sizeof err)) < 0 && errno == EINTR) {
  }
  close(exec_error[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  g_child_pid = 0;
  if (got == static_cast<ssize_t>(sizeof err)) {
    std::error_code ec;
    if (created) fs::remove(dir, ec);  // removes it only while still empty
    std::fprintf(stderr, "leakdbg: cannot execute %s: %s\n", escape_control_chars(program).c_str(),
                 std::strerror(err));
    return 127;
  }
  SeriesCount count = count_series(dir);
  std::fprintf(stderr, "leakdbg: %s\n", closing_line(count, dir_text).c_str());
  if (args.report && count.snapshots > 0) run_report(dir, args.alloc_fns);
  if (!args.report_html.empty() && count.snapshots > 0)
    run_report(dir, args.alloc_fns, args.report_html);
  return exit_status_of(status);
}

Action setup_run(CommandOptions& sub) {
  auto args = std::make_shared<RunArgs>();
  sub.add_option(
      "-o,--output", args->output_dir,
      "Directory for the snapshots (default: leakdbg-PROGRAM-PID in the current directory)");
  sub.add_option("--interval", args->interval,
                 "Take a snapshot every S seconds: 0.05 to 86400, fractions allowed (default 0: "
                 "none)");
  sub.add_option("--max-frames", args->max_frames,
                 "Deepest call stack recorded, 1 to 256 (default 64)");
  sub.add_flag("--follow-exec", args->follow_exec,
               "Keep tracking programs started by exec (each in its own series)");
  sub.add_option("--fork", args->fork_mode,
                 "A forked child: 'continue' (own series in DIR/fork-PID/) or 'stop' tracking")
      ->one_of({"continue", "stop"});
  sub.add_option("--reachability", args->reachability,
                 "Snapshots that classify blocks as reachable or leaked: 'exit', 'requested' "
                 "(leakdbg snap, leakdbg_snapshot()), 'all' (interval ones too) or 'none' "
                 "(default: exit and requested)")
      ->one_of({"exit", "requested", "all", "none"});
  sub.add_flag("--report", args->report, "Print `leakdbg analyze DIR` when the program ends");
  sub.add_option("--report-html", args->report_html,
                 "Write `leakdbg report DIR` to this HTML file when the program ends");
  add_alloc_fn_option(sub, args->alloc_fns);
  sub.add_option("PROGRAM", args->command, "The program and its arguments (after --)")->required();
  return [args]() {
    analysis::compile_alloc_fn_patterns(args->alloc_fns);  // a bad pattern fails before the run
    return run_program(*args);
  };
}

const Registration run_registration("run", setup_run);

}  // namespace
}  // namespace leakdbg::cli
