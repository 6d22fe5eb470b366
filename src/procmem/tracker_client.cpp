#include "procmem/tracker_client.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "tracker/control_protocol.h"
#include "util/error.h"

namespace leakdbg::procmem {

namespace {

// One variable from /proc/PID/environ (NUL-separated), nullopt if absent or unreadable.
std::optional<std::string> target_env(int pid, const std::string& key, bool& readable) {
  std::string path = "/proc/" + std::to_string(pid) + "/environ";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  readable = fd >= 0;
  if (fd < 0) return std::nullopt;
  std::string env;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) env.append(buf, static_cast<size_t>(n));
  ::close(fd);
  std::string wanted = key + "=";
  size_t at = 0;
  while (at < env.size()) {
    size_t end = env.find('\0', at);
    if (end == std::string::npos) end = env.size();
    if (env.compare(at, wanted.size(), wanted) == 0)
      return env.substr(at + wanted.size(), end - at - wanted.size());
    at = end + 1;
  }
  return std::nullopt;
}

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

}  // namespace

std::string control_socket_path(int pid) {
  bool readable = false;
  std::string dir;
  if (auto d = target_env(pid, control::kEnvSocketDir, readable); d && !d->empty()) {
    dir = *d;
  } else if (auto x = target_env(pid, "XDG_RUNTIME_DIR", readable); x && !x->empty()) {
    dir = *x + "/leakdbg";
  } else if (!readable) {
    if (const char* ours = std::getenv(control::kEnvSocketDir); ours && *ours)
      dir = ours;
    else if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg)
      dir = std::string(xdg) + "/leakdbg";
  }
  if (dir.empty()) dir = "/tmp/leakdbg-" + std::to_string(::getuid());
  return dir + "/" + std::to_string(pid) + control::kSocketSuffix;
}

std::string request_snapshot(int pid, const std::string& label, double timeout_seconds) {
  std::string path = control_socket_path(pid);
  std::string who = "process " + std::to_string(pid) + ": ";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    throw Error(who + "control socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) throw Error(who + "cannot create a socket: " + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_seconds);
  tv.tv_usec = static_cast<suseconds_t>((timeout_seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  ::setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(sock.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw Error(who + "cannot reach the tracker at " + path + ": " + std::strerror(errno));
  std::string request =
      std::string(control::kRequestSnapshot) + (label.empty() ? "" : " " + label) + "\n";
  if (::send(sock.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    throw Error(who + "cannot send to the tracker: " + std::strerror(errno));
  std::string reply;
  char buf[4096];
  while (reply.find('\n') == std::string::npos && reply.size() < 65536) {
    ssize_t n = ::recv(sock.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      throw Error(who + "the tracker did not answer in time");
    if (n < 0) throw Error(who + "cannot read the tracker's answer: " + std::strerror(errno));
    if (n == 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  reply = reply.substr(0, reply.find('\n'));
  if (reply.rfind("ok ", 0) == 0 && reply.size() > 3) return reply.substr(3);
  if (reply.rfind("error ", 0) == 0) throw Error(who + "the tracker refused: " + reply.substr(6));
  throw Error(who + "unexpected answer from the tracker: '" + reply.substr(0, 80) + "'");
}

}  // namespace leakdbg::procmem
