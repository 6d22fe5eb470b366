// Every object ever loaded into the process (program, shared libraries, dlopen'ed plugins)
// with its build-id, load bias and segments. Objects unloaded by dlclose stay listed,
// marked unloaded, because stacks recorded while they were loaded still point into them.
#pragma once

#include <cstdint>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

// Re-reads the loader's list (dl_iterate_phdr): new objects are added, vanished ones marked
// unloaded (and the unwinder told to forget their code). Thread-safe.
void refresh_modules();

// Appends the Modules section payload (u32 count, then ModuleRecord + path + build-id +
// SegmentRecords per module) to `out`.
bool serialize_modules(ByteBuffer& out);

// Number of loader changes seen (dlpi_adds + dlpi_subs): refresh only when it moved.
uint64_t loader_generation();

}  // namespace leakdbg::tracker
