#include "e2e_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace e2e {

namespace {

// This process's environment with the extra entries after it.
std::vector<std::string> environment_with(const std::vector<std::string>& env) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& kv : env) env_strings.push_back(kv);
  return env_strings;
}

// execve wants NULL-terminated arrays of mutable strings; they point into `strings`.
std::vector<char*> c_array(const std::vector<std::string>& strings) {
  std::vector<char*> array;
  for (const auto& s : strings) array.push_back(const_cast<char*>(s.c_str()));
  array.push_back(nullptr);
  return array;
}

Result run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   double timeout_seconds, const std::string& stdin_path) {
  Result result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) return result;
  std::vector<std::string> env_strings = environment_with(env);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!stdin_path.empty()) {
      int in = open(stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
      if (in < 0 || dup2(in, 0) < 0) _exit(127);
    }
    std::vector<char*> args = c_array(argv), envp = c_array(env_strings);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      kill(pid, SIGKILL);
      ADD_FAILURE() << "timed out: " << argv[0];
      break;
    }
    if (poll(fds, 2, static_cast<int>(left)) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace

Result run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
           double timeout_seconds) {
  return run_process(argv, env, timeout_seconds, "");
}

Result run_with_input(const std::vector<std::string>& argv, const std::string& stdin_path) {
  return run_process(argv, {}, 120, stdin_path);
}

pid_t start(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  std::vector<std::string> env_strings = environment_with(env);
  std::vector<char*> args = c_array(argv), envp = c_array(env_strings);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), envp.data()) != 0) return -1;
  return pid;
}

std::string bin(const std::string& name) { return std::string(LEAKDBG_BIN_DIR) + "/" + name; }
std::string leakdbg() { return bin("leakdbg"); }
std::string tracker_library() {
  return std::string(LEAKDBG_BIN_DIR) + "/../lib/leakdbg/libleakdbg.so";
}

std::string scratch_dir(const std::string& tag) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(LEAKDBG_BIN_DIR).parent_path() / "e2e-scratch" /
                 (tag + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::vector<std::string> files_in(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> paths;
  if (!fs::exists(dir)) return paths;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

nlohmann::json json_of(const Result& r) {
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "): " << r.out.substr(0, 500)
                  << "\nstderr: " << r.err;
    return {};
  }
}

nlohmann::json info(const std::string& snapshot) {
  Result r = run({leakdbg(), "info", "--json", snapshot});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json_of(r);
}

Analysis analyze(const std::string& dir) {
  Result json = run({leakdbg(), "analyze", "--json", dir});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  Result text = run({leakdbg(), "analyze", dir});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  return {json_of(json), text.out};
}

}  // namespace e2e
