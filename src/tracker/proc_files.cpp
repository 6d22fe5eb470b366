#include "tracker/proc_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "format/records.h"
#include "tracker/thread_stacks.h"

namespace leakdbg::tracker {
namespace {

// Reads a small file into `buffer` (NUL-terminated); returns the length or -1.
ssize_t read_small(const char* path, char* buffer, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t used = 0;
  while (used + 1 < size) {
    ssize_t n = read(fd, buffer + used, size - 1 - used);
    if (n < 0) {
      close(fd);
      return -1;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  close(fd);
  buffer[used] = '\0';
  return static_cast<ssize_t>(used);
}

uint64_t status_kib(const char* text, const char* key) {
  const char* line = std::strstr(text, key);
  if (!line) return 0;
  return std::strtoull(line + std::strlen(key), nullptr, 10);
}

}  // namespace

bool append_file(const char* path, ByteBuffer& out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  while (true) {
    char* room = out.extend(64 * 1024);
    if (!room) {
      close(fd);
      return false;
    }
    ssize_t n = read(fd, room, 64 * 1024);
    if (n < 0) {
      close(fd);
      return false;
    }
    if (n == 0) break;
    out.commit(static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

uint64_t read_rss_bytes() {
  char text[256];
  if (read_small("/proc/self/statm", text, sizeof text) <= 0) return 0;
  unsigned long long size = 0, resident = 0;
  if (std::sscanf(text, "%llu %llu", &size, &resident) != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t read_private_bytes() {
  char text[4096];
  if (read_small("/proc/self/status", text, sizeof text) <= 0) return 0;
  return (status_kib(text, "RssAnon:") + status_kib(text, "VmSwap:")) * 1024;
}

namespace {

// One line of /proc/self/maps: "start-end perms offset dev inode   path".
size_t path_if_holding(const char* line, size_t length, uintptr_t address, char* out, size_t size) {
  char* end = nullptr;
  uintptr_t start = std::strtoull(line, &end, 16);
  if (*end != '-') return 0;
  uintptr_t stop = std::strtoull(end + 1, &end, 16);
  if (address < start || address >= stop) return 0;
  const char* path = static_cast<const char*>(std::memchr(line, '/', length));
  if (!path) return 0;  // anonymous or a pseudo-file such as [vdso]
  size_t path_size = length - static_cast<size_t>(path - line);
  if (path_size + 1 > size) return 0;
  std::memcpy(out, path, path_size);
  out[path_size] = '\0';
  return path_size;
}

}  // namespace

size_t mapped_file_path(uintptr_t address, char* out, size_t size) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buffer[8192];
  size_t used = 0, found = 0;
  bool done = false;
  while (!done && found == 0) {
    ssize_t n = read(fd, buffer + used, sizeof buffer - used);
    if (n <= 0)
      done = true;
    else
      used += static_cast<size_t>(n);
    size_t line_start = 0;
    while (found == 0) {
      auto* newline = static_cast<char*>(std::memchr(buffer + line_start, '\n', used - line_start));
      if (!newline) break;
      found =
          path_if_holding(buffer + line_start, static_cast<size_t>(newline - (buffer + line_start)),
                          address, out, size);
      line_start = static_cast<size_t>(newline - buffer) + 1;
    }
    std::memmove(buffer, buffer + line_start, used - line_start);
    used -= line_start;
    if (used == sizeof buffer) used = 0;  // a line longer than the buffer: no path we can use
  }
  close(fd);
  return found;
}

bool append_threads(ByteBuffer& out) {
  size_t count_at = out.size();
  uint32_t count = 0;
  if (!out.append(&count, sizeof count)) return false;
  DIR* dir = opendir("/proc/self/task");  // allocates via the real malloc, under the guard
  if (!dir) return true;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    char path[300], name[64];
    std::snprintf(path, sizeof path, "/proc/self/task/%s/comm", entry->d_name);
    ssize_t length = read_small(path, name, sizeof name);
    if (length < 0) continue;  // the thread exited meanwhile
    while (length > 0 && name[length - 1] == '\n') --length;
    fmt::ThreadRecord record{};
    record.tid = static_cast<uint32_t>(std::strtoul(entry->d_name, nullptr, 10));
    record.name_size = static_cast<uint32_t>(length);
    find_thread_stack(record.tid, &record.stack_start, &record.stack_end);
    if (!out.append(&record, sizeof record) || !out.append(name, static_cast<size_t>(length))) {
      closedir(dir);
      return false;
    }
    ++count;
  }
  closedir(dir);
  std::memcpy(out.data() + count_at, &count, sizeof count);
  return true;
}

}  // namespace leakdbg::tracker
