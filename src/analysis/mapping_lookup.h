// Which mapping of the process holds an address, from what a snapshot recorded: its
// modules, its tracked mmap regions, its threads' stacks and the raw /proc/PID/smaps text.
// Used to say where an address lies when it is in no heap block.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/heap_model.h"

namespace leakdbg {

struct MappingInfo {
  uint64_t start = 0, end = 0;  // [start, end)
  std::string kind;             // "module", "mmap region", "thread stack", "mapping"
  std::string name;   // module path, "[heap]", "[stack]", "tid 1234", ... ("" if anonymous)
  std::string perms;  // "rw-p" when smaps told it, else ""
};

// One smaps (or maps) header line holding the address, e.g.
// "7f12a000-7f12b000 rw-p 00000000 00:00 0   [heap]". Lines that are not mapping headers
// (the "Rss:" figure lines) and malformed lines are skipped; never throws.
std::optional<MappingInfo> find_mapping_in_smaps(std::string_view smaps, uint64_t address);

// The most specific mapping known for the address: a module segment, a tracked region, a
// thread stack, then the smaps text. nullopt if nothing recorded holds it.
std::optional<MappingInfo> find_mapping(const HeapModel& model, uint64_t address);

}  // namespace leakdbg
