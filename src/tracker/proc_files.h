// Small readers of /proc/self for snapshots and samples, without stdio or allocation.
#pragma once

#include <cstdint>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {

// Appends the whole file to `out`; false if it cannot be read.
bool append_file(const char* path, ByteBuffer& out);

// Resident bytes from /proc/self/statm (0 if unreadable), and private bytes as
// RssAnon + VmSwap from /proc/self/status.
uint64_t read_rss_bytes();
uint64_t read_private_bytes();

// The file mapped at `address` as /proc/self/maps names it (absolute, whatever the current
// directory or the name the loader was given), NUL-terminated in `out`; its length, or 0 if
// nothing file-backed is mapped there.
size_t mapped_file_path(uintptr_t address, char* out, size_t size);

// Threads section payload: u32 count, then ThreadRecord + name per thread of this process.
bool append_threads(ByteBuffer& out);

}  // namespace leakdbg::tracker
