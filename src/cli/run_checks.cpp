#include "cli/run_checks.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "tracker/control_protocol.h"
#include "util/error.h"
#include "util/terminal_text.h"

namespace leakdbg::cli {

namespace fs = std::filesystem;

namespace {

std::string shown(const fs::path& path) { return escape_control_chars(path.string()); }

bool holds_snapshots(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == control::kSnapshotExtension || name.rfind("fork-", 0) == 0 ||
        name.rfind("exec-", 0) == 0)
      return true;
  }
  return false;
}

// True if the ELF file at `fd` asks for a program interpreter (the dynamic loader).
template <typename Ehdr, typename Phdr>
bool has_interpreter(int fd) {
  Ehdr header;
  if (pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header)) return true;
  for (unsigned i = 0; i < header.e_phnum && i < 4096; ++i) {
    Phdr ph;
    off_t at = static_cast<off_t>(header.e_phoff + i * static_cast<uint64_t>(header.e_phentsize));
    if (pread(fd, &ph, sizeof ph, at) != static_cast<ssize_t>(sizeof ph)) return true;
    if (ph.p_type == PT_INTERP) return true;
  }
  return false;
}

}  // namespace

fs::path prepare_output_directory(const fs::path& dir) {
  std::error_code ec;
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) throw Error(shown(dir) + ": " + std::strerror(errno));
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
    if (ec) throw Error(shown(dir) + ": cannot create: " + ec.message());
    if (mkdir(dir.c_str(), 0700) != 0)
      throw Error(shown(dir) + ": cannot create: " + std::strerror(errno));
    return fs::canonical(dir);
  }
  fs::path real = fs::canonical(dir, ec);  // a link to a directory of one's own is fine
  if (ec || stat(real.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw Error(shown(dir) + ": exists and is not a directory");
  if (st.st_uid != geteuid())
    throw Error(shown(dir) +
                ": belongs to another user; snapshots go only into a directory of "
                "your own");
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    throw Error(shown(dir) + ": others can write to it (mode " +
                std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
                std::to_string(st.st_mode & 7) +
                "), so they could replace or redirect snapshots; give a private directory");
  if (access(real.c_str(), W_OK | X_OK) != 0)
    throw Error(shown(dir) + ": cannot write there: " + std::strerror(errno));
  if (holds_snapshots(real))
    throw Error(shown(dir) + ": already holds snapshots; give another -o DIR or empty it");
  return real;
}

std::string find_program(const std::string& program) {
  if (program.empty()) return "";
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t end = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (end == std::string::npos) return "";
    start = end + 1;
  }
}

std::string preload_obstacle(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";  // exec reports it
  struct stat st;
  unsigned char ident[EI_NIDENT] = {};
  bool elf = fstat(fd, &st) == 0 && pread(fd, ident, sizeof ident, 0) == EI_NIDENT &&
             std::memcmp(ident, ELFMAG, SELFMAG) == 0;
  bool dynamic =
      !elf || (ident[EI_CLASS] == ELFCLASS64 ? has_interpreter<Elf64_Ehdr, Elf64_Phdr>(fd)
                                             : has_interpreter<Elf32_Ehdr, Elf32_Phdr>(fd));
  close(fd);
  if (!dynamic)
    return "it is statically linked: no dynamic loader runs, so nothing can be preloaded into it";
  if (((st.st_mode & S_ISUID) && st.st_uid != getuid()) ||
      ((st.st_mode & S_ISGID) && st.st_gid != getgid()))
    return std::string("it is set") + ((st.st_mode & S_ISUID) ? "uid" : "gid") +
           ": the loader ignores LD_PRELOAD for programs that change their user or group";
  return "";
}

SeriesCount count_series(const fs::path& dir) {
  SeriesCount count;
  std::error_code ec;
  auto snapshots_in = [](const fs::path& folder) {
    size_t n = 0;
    std::error_code inner;
    for (const auto& entry : fs::directory_iterator(folder, inner)) {
      std::string name = entry.path().filename().string();
      if (entry.is_regular_file(inner) && name[0] != '.' &&
          entry.path().extension() == control::kSnapshotExtension)
        ++n;
    }
    return n;
  };
  count.snapshots = snapshots_in(dir);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    std::string name = entry.path().filename().string();
    size_t n = snapshots_in(entry.path());
    if (name.rfind("fork-", 0) == 0) {
      ++count.fork_series;
      count.fork_snapshots += n;
    } else if (name.rfind("exec-", 0) == 0) {
      ++count.exec_series;
      count.exec_snapshots += n;
    }
  }
  return count;
}

std::string closing_line(const SeriesCount& count, const std::string& dir) {
  std::string line = std::to_string(count.snapshots) + " snapshots in " + escape_control_chars(dir);
  std::string more;
  if (count.fork_series)
    more += std::to_string(count.fork_snapshots) + " in " + std::to_string(count.fork_series) +
            " fork series";
  if (count.exec_series)
    more += (more.empty() ? "" : ", ") + std::to_string(count.exec_snapshots) + " in " +
            std::to_string(count.exec_series) + " exec series";
  if (!more.empty()) line += " (and " + more + ")";
  return line;
}

}  // namespace leakdbg::cli
