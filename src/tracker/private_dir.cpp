#include "tracker/private_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "format/snapshot_writer.h"
#include "tracker/control_protocol.h"

namespace leakdbg::tracker {

namespace {

bool ends_with(const char* text, size_t length, const char* suffix) {
  size_t n = std::strlen(suffix);
  return length >= n && std::memcmp(text + length - n, suffix, n) == 0;
}

// The pid of a name "<anything>.<pid><suffix>" (temporaries: prefix '.') or "<pid><suffix>"
// (sockets); 0 if the name has no such pid.
long pid_before_suffix(const char* name, const char* suffix, bool after_dot) {
  size_t length = std::strlen(name);
  if (!ends_with(name, length, suffix)) return 0;
  size_t end = length - std::strlen(suffix);
  size_t start = end;
  while (start > 0 && name[start - 1] >= '0' && name[start - 1] <= '9') --start;
  if (start == end || end - start > 9) return 0;
  if (after_dot ? (start == 0 || name[start - 1] != '.') : start != 0) return 0;
  long pid = 0;
  for (size_t i = start; i < end; ++i) pid = pid * 10 + (name[i] - '0');
  return pid;
}

bool process_gone(long pid) {
  return pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

int open_private_directory(int parent_fd, const char* name, bool create) {
  if (create && mkdirat(parent_fd, name, 0700) != 0 && errno != EEXIST) return -1;
  int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
    close(fd);
    errno = ENOTDIR;
    return -1;
  }
  if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    close(fd);
    errno = EPERM;
    return -1;
  }
  return fd;
}

void remove_stale_entries(int dir_fd) {
  // getdents64 on a duplicate: opendir() would allocate, and the offset must not be shared.
  int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buffer[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      struct Entry {
        uint64_t ino;
        int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[1];
      };
      const auto* entry = reinterpret_cast<const Entry*>(buffer + at);
      at += entry->reclen;
      const char* name = entry->name;
      long pid = 0;
      if (name[0] == '.' && entry->type == DT_REG)
        pid = pid_before_suffix(name, fmt::SnapshotWriter::kTempSuffix, true);
      else if (entry->type == DT_SOCK)
        pid = pid_before_suffix(name, control::kSocketSuffix, false);
      if (pid != 0 && pid != getpid() && process_gone(pid)) unlinkat(dir_fd, name, 0);
    }
  }
  close(fd);
}

}  // namespace leakdbg::tracker
