#include "tracker/reach_roots.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace leakdbg::tracker {
namespace {

uint64_t parse_hex(const char*& p, const char* end) {
  uint64_t value = 0;
  for (; p < end; ++p) {
    const char c = *p;
    if (c >= '0' && c <= '9')
      value = value * 16 + uint64_t(c - '0');
    else if (c >= 'a' && c <= 'f')
      value = value * 16 + uint64_t(c - 'a' + 10);
    else
      break;
  }
  return value;
}

void skip_field(const char*& p, const char* end) {
  while (p < end && *p != ' ' && *p != '\n') ++p;
  while (p < end && *p == ' ') ++p;
}

}  // namespace

bool read_own_maps(ByteBuffer& text, ByteBuffer& out) {
  text.clear();
  out.clear();
  int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC));
  if (fd < 0) return false;
  for (;;) {
    char* room = text.extend(64 * 1024);
    if (!room) {
      syscall(SYS_close, fd);
      return false;
    }
    long n = syscall(SYS_read, fd, room, 64 * 1024);
    if (n < 0) {
      syscall(SYS_close, fd);
      return false;
    }
    if (n == 0) break;
    text.commit(static_cast<size_t>(n));
  }
  syscall(SYS_close, fd);
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* line_end = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
    if (!line_end) line_end = end;
    MapRange range{};
    range.start = parse_hex(p, line_end);
    if (p < line_end && *p == '-') ++p;
    range.end = parse_hex(p, line_end);
    while (p < line_end && *p == ' ') ++p;
    if (line_end - p >= 2) {
      range.readable = p[0] == 'r';
      range.writable = p[1] == 'w';
    }
    for (int field = 0; field < 4; ++field) skip_field(p, line_end);  // perms offset dev inode
    const size_t path_length = size_t(line_end - p);
    range.heap = path_length == 6 && std::memcmp(p, "[heap]", 6) == 0;
    range.device = path_length > 5 && std::memcmp(p, "/dev/", 5) == 0;
    if (range.end > range.start && !out.append(&range, sizeof range)) return false;
    p = line_end + 1;
  }
  return true;
}

long find_map(const MapRange* maps, size_t count, uint64_t address) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (maps[mid].end <= address)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < count && maps[lo].start <= address && address < maps[lo].end)
    return static_cast<long>(lo);
  return -1;
}

size_t merge_ranges(uint64_t (*ranges)[2], size_t count) {
  struct Range {
    uint64_t start, end;
  };
  auto* r = reinterpret_cast<Range*>(ranges);
  std::sort(r, r + count, [](const Range& a, const Range& b) { return a.start < b.start; });
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    if (r[i].end <= r[i].start) continue;
    if (kept && r[i].start <= r[kept - 1].end) {
      if (r[i].end > r[kept - 1].end) r[kept - 1].end = r[i].end;
    } else {
      r[kept++] = r[i];
    }
  }
  return kept;
}

}  // namespace leakdbg::tracker
