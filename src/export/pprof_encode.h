// A StackProfile as pprof's profile.proto (github.com/google/pprof, proto/profile.proto),
// gzipped: what `go tool pprof`, Pyroscope, Parca and Cloud Profiler read.
#pragma once

#include <string>

#include "export/stack_profile.h"

namespace leakdbg::exporter {

// Sample types inuse_objects (count) and inuse_space (bytes); with profile.growth the values
// are the change since the base and a comment says so. Each sample carries a "kind" label
// ("heap" or "mmap"). drop_frames lists the allocator frames found below the call sites, so
// that pprof's flat view names the code that asked for the memory.
std::string encode_pprof(const StackProfile& profile);  // uncompressed profile.proto
std::string pprof_file(const StackProfile& profile);    // gzipped, as written to disk

}  // namespace leakdbg::exporter
