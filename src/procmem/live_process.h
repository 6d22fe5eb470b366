// Reading a live process through /proc: its smaps and status, where its threads' stacks
// are, its memory (for glibc's heap headers), and whether the leakdbg tracker is loaded.
// Unreadable or vanished processes give one clear leakdbg::Error line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "procmem/classify.h"
#include "procmem/vm_summary.h"

namespace leakdbg::procmem {

// The whole text of /proc/PID/<name>. Throws: "process 42: no such process",
// "process 42: cannot read /proc/42/smaps: Permission denied".
std::string read_proc_text(int pid, const std::string& name);

struct ThreadStackPointer {
  int tid = 0;
  std::string name;  // comm
  uint64_t sp = 0;
};

// Stack pointers of the threads that are blocked (in a system call or stopped), from
// /proc/PID/task/TID/syscall; running threads and unreadable entries are left out.
std::vector<ThreadStackPointer> thread_stack_pointers(int pid);

// "nr a1 .. a6 sp pc" or "-1 sp pc" -> sp; nullopt for "running" or anything malformed.
std::optional<uint64_t> parse_syscall_sp(std::string_view text);

// Claims for the mappings holding a thread's stack pointer, plus a reader of the process's
// memory through /proc/PID/mem (kept open by the returned Knowledge).
Knowledge live_knowledge(int pid, const std::vector<Mapping>& mappings);

// The VMMap view of a live process now.
VmView view_of_process(int pid);

// True if the leakdbg tracker (libleakdbg.so) is mapped into the process.
bool is_tracked(int pid);

// Start time of the process in clock ticks since boot (field 22 of /proc/PID/stat), to tell
// a process from a later one that reuses its pid; nullopt if it is gone.
std::optional<uint64_t> process_start_ticks(int pid);

// The command name (comm), or "" if unknown.
std::string process_name(int pid);

}  // namespace leakdbg::procmem
