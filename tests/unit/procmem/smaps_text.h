// Builds /proc/PID/smaps text for tests, one mapping at a time, as the kernel prints it.
#pragma once

#include <cstdint>
#include <string>

namespace procmem_test {

// One mapping; a path starting with '/' gets an inode unless one is given.
std::string smaps_entry(uint64_t start, uint64_t end, const std::string& perms = "rw-p",
                        const std::string& path = "", uint64_t inode = 0, uint64_t rss_kb = 0,
                        uint64_t private_dirty_kb = 0, uint64_t shared_clean_kb = 0,
                        uint64_t swap_kb = 0, uint64_t locked_kb = 0);

}  // namespace procmem_test
