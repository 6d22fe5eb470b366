#include "procmem/live_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "util/error.h"

namespace leakdbg::procmem {

namespace {

std::string proc_path(int pid, const std::string& name) {
  return "/proc/" + std::to_string(pid) + "/" + name;
}

// Reads a whole file; returns errno (0 on success).
int slurp(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  out.clear();
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return 0;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string read_proc_text(int pid, const std::string& name) {
  std::string text;
  std::string path = proc_path(pid, name);
  int err = slurp(path, text);
  if (err == 0) return text;
  std::string who = "process " + std::to_string(pid);
  if (err == ENOENT || err == ESRCH) throw Error(who + ": no such process");
  if (err == EACCES || err == EPERM)
    throw Error(who + ": cannot read " + path + ": " + std::strerror(err) +
                " (another user's process?)");
  throw Error(who + ": cannot read " + path + ": " + std::strerror(err));
}

std::optional<uint64_t> parse_syscall_sp(std::string_view text) {
  std::vector<std::string_view> tokens;
  while (!text.empty()) {
    size_t b = text.find_first_not_of(" \n");
    if (b == std::string_view::npos) break;
    text.remove_prefix(b);
    size_t e = text.find_first_of(" \n");
    tokens.push_back(text.substr(0, e));
    text = e == std::string_view::npos ? std::string_view() : text.substr(e);
  }
  // Blocked in a system call: "nr a1 .. a6 sp pc"; stopped outside one: "-1 sp pc".
  bool in_syscall =
      tokens.size() == 9 && tokens[0].find_first_not_of("0123456789") == std::string_view::npos;
  bool outside = tokens.size() == 3 && tokens[0] == "-1";
  if (!in_syscall && !outside) return std::nullopt;
  std::string_view sp = tokens[tokens.size() - 2];
  if (sp.size() < 3 || sp.substr(0, 2) != "0x") return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(sp.data() + 2, sp.data() + sp.size(), value, 16);
  if (ec != std::errc() || end != sp.data() + sp.size() || value == 0) return std::nullopt;
  return value;
}

std::vector<ThreadStackPointer> thread_stack_pointers(int pid) {
  std::vector<ThreadStackPointer> threads;
  std::string task_dir = proc_path(pid, "task");
  DIR* dir = ::opendir(task_dir.c_str());
  if (!dir) return threads;
  while (dirent* entry = ::readdir(dir)) {
    int tid = 0;
    std::string_view name = entry->d_name;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (ec != std::errc() || end != name.data() + name.size()) continue;
    std::string text, comm;
    if (slurp(task_dir + "/" + std::string(name) + "/syscall", text) != 0) continue;
    auto sp = parse_syscall_sp(text);
    if (!sp) continue;
    slurp(task_dir + "/" + std::string(name) + "/comm", comm);
    threads.push_back({tid, trim(comm), *sp});
  }
  ::closedir(dir);
  std::sort(threads.begin(), threads.end(),
            [](const auto& a, const auto& b) { return a.tid < b.tid; });
  return threads;
}

Knowledge live_knowledge(int pid, const std::vector<Mapping>& mappings) {
  Knowledge k;
  for (const auto& t : thread_stack_pointers(pid)) {
    auto it = std::upper_bound(mappings.begin(), mappings.end(), t.sp,
                               [](uint64_t a, const Mapping& m) { return a < m.start; });
    if (it == mappings.begin()) continue;
    --it;
    if (t.sp >= it->end || !it->anonymous_memory() || it->shared) continue;
    std::string label = (t.tid == pid ? "main thread " : "thread ") + std::to_string(t.tid);
    if (!t.name.empty()) label += " (" + t.name + ")";
    if (it->path == "[stack]") label = "[stack] " + label;
    k.claims.push_back({it->start, it->end, MemType::kStack, label});
  }
  int fd = ::open(proc_path(pid, "mem").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    auto owner = std::shared_ptr<int>(new int(fd), [](int* p) {
      ::close(*p);
      delete p;
    });
    k.read_memory = [owner](uint64_t address, void* out, size_t size) {
      ssize_t n = ::pread(*owner, out, size, static_cast<off_t>(address));
      return n == static_cast<ssize_t>(size);
    };
  }
  return k;
}

VmView view_of_process(int pid) {
  ProcStatus status = parse_proc_status(read_proc_text(pid, "status"));
  if (!status.valid)
    throw Error("process " + std::to_string(pid) +
                ": has no memory figures (a zombie or kernel thread)");
  std::string text = read_proc_text(pid, "smaps");
  std::vector<Mapping> mappings;
  try {
    mappings = parse_smaps(text);
  } catch (const Error& e) {
    throw Error("process " + std::to_string(pid) + ": " + e.what());
  }
  Knowledge k = live_knowledge(pid, mappings);
  return make_view(std::move(mappings), k, status);
}

bool is_tracked(int pid) {
  std::string maps;
  if (slurp(proc_path(pid, "maps"), maps) != 0) return false;
  return maps.find("/libleakdbg.so") != std::string::npos;
}

std::optional<uint64_t> process_start_ticks(int pid) {
  std::string stat;
  if (slurp(proc_path(pid, "stat"), stat) != 0) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(stat).substr(close + 1);
  // After ')' come fields 3.. ; the start time is field 22, the 20th of them.
  for (int field = 3; field <= 22; ++field) {
    size_t b = rest.find_first_not_of(' ');
    if (b == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(b);
    size_t e = rest.find(' ');
    std::string_view token = rest.substr(0, e);
    if (field == 22) {
      uint64_t ticks = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), ticks);
      if (ec != std::errc()) return std::nullopt;
      return ticks;
    }
    if (e == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(e);
  }
  return std::nullopt;
}

std::string process_name(int pid) {
  std::string comm;
  if (slurp(proc_path(pid, "comm"), comm) != 0) return {};
  return trim(comm);
}

}  // namespace leakdbg::procmem
