#include "tracker/control_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>

#include "tracker/control_protocol.h"
#include "util/error.h"
#include "util/terminal_text.h"

namespace leakdbg::control {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string who(int pid) { return "process " + std::to_string(pid); }

// The environment the process was started with (/proc/PID/environ); empty if unreadable.
std::map<std::string, std::string> process_environment(int pid) {
  std::string all;
  Fd fd(::open(("/proc/" + std::to_string(pid) + "/environ").c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() >= 0) {
    char buf[8192];
    ssize_t n;
    while ((n = ::read(fd.get(), buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0) all.append(buf, static_cast<size_t>(n));
  }
  std::map<std::string, std::string> env;
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    std::string_view entry(all.data() + start, end - start);
    if (size_t eq = entry.find('='); eq != std::string::npos)
      env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    start = end + 1;
  }
  return env;
}

void check_process(int pid) {
  if (pid <= 0) throw Error("invalid process id " + std::to_string(pid), 2);
  struct stat st;
  if (::stat(("/proc/" + std::to_string(pid)).c_str(), &st) != 0)
    throw Error("no process " + std::to_string(pid));
  if (st.st_uid != ::getuid())
    throw Error(who(pid) + " belongs to another user (uid " + std::to_string(st.st_uid) +
                "); only its own user can ask its tracker for snapshots");
}

std::string socket_dir(const std::map<std::string, std::string>& env) {
  auto lookup = [&](const char* name) -> std::string {
    if (auto it = env.find(name); it != env.end()) return it->second;
    if (!env.empty()) return "";
    const char* ours = std::getenv(name);
    return ours ? ours : "";
  };
  if (std::string dir = lookup(kEnvSocketDir); !dir.empty()) return dir;
  if (std::string xdg = lookup("XDG_RUNTIME_DIR"); !xdg.empty()) return xdg + "/leakdbg";
  return "/tmp/leakdbg-" + std::to_string(::getuid());
}

void check_private(const std::string& dir) {
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0) return;  // reported when connecting
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
    throw Error(escape_control_chars(dir) +
                ": control socket directory is not private to this user; refusing to use it");
}

std::string exchange(int pid, const std::string& path, const std::string& line,
                     double timeout_seconds) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw Error(who(pid) + ": control socket path too long: " + escape_control_chars(path));
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) throw Error(std::string("cannot create a socket: ") + std::strerror(errno));
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    if (err == ENOENT || err == ECONNREFUSED)
      throw Error(who(pid) + " is not tracked by leakdbg (no control socket " +
                  escape_control_chars(path) + "); start it with `leakdbg run`");
    throw Error(escape_control_chars(path) + ": cannot connect: " + std::strerror(err));
  }
  for (size_t sent = 0; sent < line.size();) {
    ssize_t n = ::send(sock.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(who(pid) + ": cannot send the request: " + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(timeout_seconds));
  std::string reply;
  while (reply.find('\n') == std::string::npos && reply.size() < 65536) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{sock.get(), POLLIN, 0};
    int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0)
      throw Error(who(pid) + " did not answer within " +
                  std::to_string(static_cast<int>(timeout_seconds)) + " s");
    char buf[1024];
    ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  if (size_t nl = reply.find('\n'); nl != std::string::npos)
    reply.resize(nl);
  else if (reply.empty())
    throw Error(who(pid) + " closed the control connection without an answer");
  return reply;
}

}  // namespace

std::string control_socket_path(int pid) {
  return socket_dir(process_environment(pid)) + "/" + std::to_string(pid) + kSocketSuffix;
}

std::string request_snapshot(int pid, const std::string& label, double timeout_seconds,
                             bool reachability) {
  if (label.find_first_of("\r\n") != std::string::npos)
    throw Error("the snapshot label must be one line", 2);
  check_process(pid);
  auto env = process_environment(pid);
  if (!env.empty() && env.find(kEnvOutputDir) == env.end())
    throw Error(who(pid) + " was not started under leakdbg (no " + kEnvOutputDir +
                " in its environment); start it with `leakdbg run`");
  std::string dir = socket_dir(env);
  check_private(dir);
  std::string line = kRequestSnapshot;
  if (reachability) line += std::string(" ") + kRequestReachabilityOption;
  if (!label.empty()) line += " " + label;
  std::string reply =
      exchange(pid, dir + "/" + std::to_string(pid) + kSocketSuffix, line + "\n", timeout_seconds);
  if (reply.rfind("ok ", 0) == 0 && reply.size() > 3) return reply.substr(3);
  if (reply.rfind("error ", 0) == 0)
    throw Error(who(pid) + ": " + escape_control_chars(reply.substr(6)));
  throw Error(who(pid) +
              " gave an unexpected answer: " + escape_control_chars(reply.substr(0, 80)));
}

}  // namespace leakdbg::control
