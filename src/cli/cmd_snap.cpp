// `leakdbg snap PID [--label L]`: asks a tracked process for a snapshot now, through its
// control socket (control_protocol.h), and prints the new snapshot's path.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "tracker/control_protocol.h"
#include "util/error.h"

namespace leakdbg::cli {
namespace {

// A snapshot of millions of blocks takes about a second; allow for a loaded machine.
constexpr int kReplyTimeoutMs = 60000;

// The environment the process was started with (/proc/PID/environ); empty if unreadable.
std::map<std::string, std::string> process_environment(int pid) {
  std::string all;
  int fd = open(("/proc/" + std::to_string(pid) + "/environ").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0) all.append(buf, static_cast<size_t>(n));
    close(fd);
  }
  std::map<std::string, std::string> env;
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    std::string entry = all.substr(start, end - start);
    if (size_t eq = entry.find('='); eq != std::string::npos)
      env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    start = end + 1;
  }
  return env;
}

void check_process(int pid) {
  if (pid <= 0) throw Error("snap: invalid pid " + std::to_string(pid));
  struct stat st;
  if (stat(("/proc/" + std::to_string(pid)).c_str(), &st) != 0 || kill(pid, 0) != 0) {
    if (errno == EPERM) throw Error("process " + std::to_string(pid) + " belongs to another user");
    throw Error("no process " + std::to_string(pid));
  }
  if (st.st_uid != getuid())
    throw Error("process " + std::to_string(pid) + " belongs to another user (uid " +
                std::to_string(st.st_uid) + ")");
}

// The tracker's socket directory, as the tracker computes it, from the process's own
// environment (ours as a fallback when it cannot be read).
std::string socket_dir(const std::map<std::string, std::string>& env) {
  auto lookup = [&](const char* name) -> std::string {
    if (auto it = env.find(name); it != env.end()) return it->second;
    if (!env.empty()) return "";
    const char* ours = std::getenv(name);
    return ours ? ours : "";
  };
  if (std::string dir = lookup(control::kEnvSocketDir); !dir.empty()) return dir;
  if (std::string xdg = lookup("XDG_RUNTIME_DIR"); !xdg.empty()) return xdg + "/leakdbg";
  return "/tmp/leakdbg-" + std::to_string(getuid());
}

// Anyone who could write to the directory could put a socket of theirs in the tracker's place.
void check_private(const std::string& dir) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return;  // reported when connecting
  if (st.st_uid != getuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    throw Error(dir + ": control socket directory is not private to this user; refusing to use it");
}

std::string request(int pid, const std::string& path, const std::string& line) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw Error(path + ": socket path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error(std::string("cannot create a socket: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED)
      throw Error("process " + std::to_string(pid) +
                  " is not tracked by leakdbg (no control socket " + path +
                  "); start it with `leakdbg run`");
    throw Error(path + ": cannot connect: " + std::strerror(err));
  }
  for (size_t sent = 0; sent < line.size();) {
    ssize_t n = send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(path + ": cannot send the request: " + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  std::string reply;
  while (reply.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, kReplyTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0)
      throw Error("process " + std::to_string(pid) + " did not answer within " +
                  std::to_string(kReplyTimeoutMs / 1000) + " s");
    char buf[1024];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  if (size_t nl = reply.find('\n'); nl != std::string::npos)
    reply.resize(nl);
  else if (reply.empty())
    throw Error("process " + std::to_string(pid) +
                " closed the control connection without an answer");
  return reply;
}

int snap(int pid, const std::string& label, bool reachability) {
  if (label.find_first_of("\r\n") != std::string::npos)
    throw Error("snap: the label must be one line");
  check_process(pid);
  auto env = process_environment(pid);
  if (!env.empty() && env.find(control::kEnvOutputDir) == env.end())
    throw Error("process " + std::to_string(pid) + " was not started under leakdbg (no " +
                control::kEnvOutputDir + " in its environment); start it with `leakdbg run`");
  std::string dir = socket_dir(env);
  check_private(dir);
  std::string line = control::kRequestSnapshot;
  if (reachability) line += std::string(" ") + control::kRequestReachabilityOption;
  if (!label.empty()) line += " " + label;
  std::string reply =
      request(pid, dir + "/" + std::to_string(pid) + control::kSocketSuffix, line + "\n");
  if (reply.rfind("ok ", 0) == 0) {
    std::cout << reply.substr(3) << '\n';
    return 0;
  }
  if (reply.rfind("error ", 0) == 0)
    throw Error("process " + std::to_string(pid) + ": " + reply.substr(6));
  throw Error("process " + std::to_string(pid) + " gave an unexpected answer: " + reply);
}

Action setup(CLI::App& sub) {
  struct Args {
    int pid = 0;
    std::string label;
    bool reachability = false;
  };
  auto args = std::make_shared<Args>();
  sub.add_option("PID", args->pid, "Process started under `leakdbg run`")->required();
  sub.add_option("--label", args->label, "Label stored in the snapshot");
  sub.add_flag("--reachability", args->reachability,
               "Classify every block as reachable or leaked in this snapshot");
  return [args]() { return snap(args->pid, args->label, args->reachability); };
}

const Registration registration("snap", "Take a snapshot of a tracked process now", setup, 20);

}  // namespace
}  // namespace leakdbg::cli
