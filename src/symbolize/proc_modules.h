// The modules of a live process, from /proc/PID/maps and the ELF files it maps: what the
// tracker records in a snapshot, rebuilt for tests and for attaching to a running process.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

struct MapsEntry {
  uint64_t start = 0, end = 0, offset = 0, inode = 0;
  uint32_t prot = 0;  // PROT_READ / PROT_WRITE / PROT_EXEC
  bool shared = false;
  std::string path;  // "" for anonymous mappings; "[heap]", "[vdso]"... as printed
};

// Parses the text of a /proc/PID/maps file. Throws leakdbg::Error naming the first
// malformed line.
std::vector<MapsEntry> parse_maps(std::string_view text);

// Groups the file mappings of ELF objects into modules: path, build-id, load bias (from
// the file's PT_LOAD headers against the mapped offsets) and segments. Files that are not
// ELF (locale archives, fonts) and files no longer readable are left out.
std::vector<Module> modules_from_maps(const std::vector<MapsEntry>& maps,
                                      const std::string& executable_path);

// Both of the above for a running process. Throws leakdbg::Error if it cannot be read.
std::vector<Module> modules_of_process(pid_t pid);

}  // namespace leakdbg
