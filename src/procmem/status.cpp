#include "procmem/status.h"

#include <charconv>

#include "procmem/live_process.h"
#include "util/error.h"
#include "util/text_split.h"

namespace leakdbg::procmem {

namespace {

// "VmRSS:\t  1234 kB" -> 1234 * 1024; "Threads:\t4" -> 4. nullopt-like false on anything
// malformed or overflowing, so that a damaged line is skipped rather than misread.
bool parse_value(std::string_view rest, uint64_t& out) {
  size_t i = 0;
  while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t')) ++i;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(rest.data() + i, rest.data() + rest.size(), value);
  if (ec != std::errc() || end == rest.data() + i) return false;
  std::string_view unit(end, static_cast<size_t>(rest.data() + rest.size() - end));
  while (!unit.empty() && (unit.front() == ' ' || unit.front() == '\t')) unit.remove_prefix(1);
  while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t' || unit.back() == '\r'))
    unit.remove_suffix(1);
  if (unit.empty()) {
    out = value;
    return true;
  }
  if (unit != "kB") return false;
  if (value > UINT64_MAX / 1024) return false;
  out = value * 1024;
  return true;
}

}  // namespace

ProcStatus parse_proc_status(std::string_view text) {
  ProcStatus status;
  while (!text.empty()) {
    std::string_view line = take_line(text);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    uint64_t* target = nullptr;
    if (key == "VmSize")
      target = &status.vm_size;
    else if (key == "VmRSS")
      target = &status.vm_rss;
    else if (key == "VmData")
      target = &status.vm_data;
    else if (key == "VmStk")
      target = &status.vm_stk;
    else if (key == "VmPTE")
      target = &status.vm_pte;
    else if (key == "VmSwap")
      target = &status.vm_swap;
    else if (key == "RssAnon")
      target = &status.rss_anon;
    else if (key == "RssFile")
      target = &status.rss_file;
    else if (key == "RssShmem")
      target = &status.rss_shmem;
    else if (key == "VmLck")
      target = &status.vm_lck;
    uint64_t value = 0;
    if (key == "Threads") {
      if (parse_value(line.substr(colon + 1), value) && value <= UINT32_MAX)
        status.threads = static_cast<uint32_t>(value);
      continue;
    }
    if (!target || !parse_value(line.substr(colon + 1), value)) continue;
    *target = value;
    if (target == &status.vm_rss) status.valid = true;
  }
  return status;
}

ProcStatus read_proc_status(int pid) {
  ProcStatus status = parse_proc_status(read_proc_text(pid, "status"));
  // Kernel threads and zombies have no memory lines: nothing to show for them.
  if (!status.valid)
    throw Error("process " + std::to_string(pid) +
                ": has no memory figures (a zombie or kernel thread)");
  return status;
}

}  // namespace leakdbg::procmem
