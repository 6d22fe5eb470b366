// The renderers of `leakdbg vmmap` (cmd_vmmap.cpp): the address space by memory type, as
// Sysinternals VMMap shows it, with change columns against a base and one type's mappings.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "analysis/reach_summary.h"
#include "cli/inspect_format.h"
#include "procmem/vm_summary.h"

namespace leakdbg::cli {

// A live process or a snapshot, as `vmmap` was given it.
struct VmTarget {
  std::string argument;  // as typed: a process id or a snapshot path
  std::string
      description;   // "process 1234 (server)" or "snap/0003-interval.ldsnap (pid 1234, ...)"
  std::string kind;  // "process" | "snapshot"
  uint32_t pid = 0;
  procmem::VmView view;
  // A snapshot whose tracked anonymous mmap regions are classified: their classes (part of
  // Private Data, which the address space alone cannot split).
  std::optional<ReachSummary> reach;
};

// Bytes as integers; with a base, its figures, the change per type and the private growth;
// "mmap_region_classes" for a snapshot with region classes.
nlohmann::json vmmap_json(const VmTarget& target, const VmTarget* base,
                          std::optional<procmem::MemType> detail);

// The type table, Private Bytes, the private growth against a base, the tracked regions by
// class, and with `detail` that type's mappings.
void print_vmmap(const VmTarget& target, const VmTarget* base,
                 std::optional<procmem::MemType> detail, const NumberStyle& style,
                 std::ostream& out);

}  // namespace leakdbg::cli
