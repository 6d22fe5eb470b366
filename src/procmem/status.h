// /proc/PID/status figures that stand in for Process Explorer's columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace leakdbg::procmem {

struct ProcStatus {
  uint64_t vm_size = 0, vm_rss = 0, vm_data = 0, vm_stk = 0, vm_pte = 0, vm_swap = 0;
  uint64_t rss_anon = 0, rss_file = 0, rss_shmem = 0, vm_lck = 0;
  uint32_t threads = 0;
  bool valid = false;  // at least VmRSS was found
};

// Parses the text of /proc/PID/status (values in bytes). Malformed lines are skipped.
ProcStatus parse_proc_status(std::string_view text);

// Private Bytes as leakdbg defines it (see docs): RssAnon + VmSwap.
inline uint64_t private_bytes(const ProcStatus& s) { return s.rss_anon + s.vm_swap; }

// Reads /proc/PID/status; throws leakdbg::Error with one clear line if unreadable.
ProcStatus read_proc_status(int pid);

}  // namespace leakdbg::procmem
