#include "tracker/control_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "tracker/config.h"
#include "tracker/control_protocol.h"
#include "tracker/control_request.h"
#include "tracker/private_dir.h"
#include "tracker/snapshot.h"

namespace leakdbg::tracker {
namespace {

// Anyone who could write to the directory could put a socket of theirs in the tracker's
// place; a mode with any group or other bit is refused. Stale sockets of killed processes
// are removed here, so they do not pile up.
bool private_directory(const char* directory) {
  int fd = open_private_directory(AT_FDCWD, directory, true);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0)) {
    close(fd);
    fd = -1;
    errno = EPERM;
  }
  if (fd < 0) {
    warn("control socket directory %s: %s; no control socket", directory,
         errno == EPERM ? "not private to this user" : std::strerror(errno));
    return false;
  }
  remove_stale_entries(fd);
  close(fd);
  return true;
}

void reply(int fd, const char* text) {
  size_t length = std::strlen(text);
  while (length > 0) {
    ssize_t n = send(fd, text, length, MSG_NOSIGNAL);
    if (n <= 0) return;
    text += n;
    length -= static_cast<size_t>(n);
  }
}

// Reads one line (without the newline) with the socket's receive timeout; false on timeout,
// error or a line longer than the buffer.
bool read_line(int fd, char* line, size_t size) {
  size_t used = 0;
  while (used + 1 < size) {
    ssize_t n = recv(fd, line + used, 1, 0);
    if (n <= 0) break;
    if (line[used] == '\n') {
      line[used] = '\0';
      return true;
    }
    ++used;
  }
  line[used] = '\0';
  return used > 0 && used + 1 < size;  // a last line without newline is accepted
}

}  // namespace

int open_control_socket(const char* directory, char* path_out, size_t path_size) {
  if (!private_directory(directory)) return -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  int n = std::snprintf(address.sun_path, sizeof address.sun_path, "%s/%d%s", directory,
                        static_cast<int>(getpid()), control::kSocketSuffix);
  if (n < 0 || static_cast<size_t>(n) >= sizeof address.sun_path) {
    warn("control socket path under %s is too long; no control socket", directory);
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  unlink(address.sun_path);  // a stale socket of an earlier process with this pid
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 8) != 0) {
    warn("cannot listen on %s: %s", address.sun_path, std::strerror(errno));
    close(fd);
    return -1;
  }
  std::snprintf(path_out, path_size, "%s", address.sun_path);
  return fd;
}

void serve_control_client(const RecursionGuard& guard, int listen_fd) {
  int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  ucred peer{};
  socklen_t peer_size = sizeof peer;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &peer_size) != 0 || peer.uid != getuid()) {
    reply(fd, "error permission denied\n");
    close(fd);
    return;
  }
  timeval timeout{2, 0};  // a client that connects and says nothing must not stall sampling
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char line[512];
  if (!read_line(fd, line, sizeof line)) {
    reply(fd, "error expected one line: snapshot [LABEL]\n");
    close(fd);
    return;
  }
  char label[256];
  bool reachability = false;
  if (!parse_snapshot_request(line, std::strlen(line), label, sizeof label, &reachability)) {
    reply(fd, "error unknown request\n");
    close(fd);
    return;
  }
  char path[4400];
  char answer[4500];
  if (take_snapshot(guard, fmt::Trigger::kRequest, label, path, sizeof path, reachability))
    std::snprintf(answer, sizeof answer, "ok %s\n", path);
  else
    std::snprintf(answer, sizeof answer, "error snapshot failed (tracking is off)\n");
  reply(fd, answer);
  close(fd);
}

}  // namespace leakdbg::tracker
