// Reads a .ldsnap file into a HeapModel. The one reader every command uses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/heap_model.h"

namespace leakdbg::fmt {

// True if the bytes start with the snapshot magic (for content detection).
bool looks_like_snapshot(std::string_view first_bytes);

// Reads and validates a whole snapshot. Throws leakdbg::Error with one line naming the file
// and the problem (truncated, bad checksum, newer format version, ...).
HeapModel read_snapshot(const std::string& path);
HeapModel read_snapshot_bytes(std::string_view bytes, const std::string& name);

}  // namespace leakdbg::fmt
