// /proc/PID/smaps: one entry per mapping with the kernel's per-mapping page counts.
// The same text is recorded in every snapshot (HeapModel::smaps), so the parser treats it
// as untrusted input: anything malformed is reported as one line naming the line number.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leakdbg::procmem {

struct Mapping {
  uint64_t start = 0, end = 0;  // [start, end)
  bool read = false, write = false, exec = false, shared = false;
  uint64_t offset = 0;
  uint32_t dev_major = 0, dev_minor = 0;
  uint64_t inode = 0;
  std::string path;  // "" for anonymous memory, "[heap]", "/usr/lib/libc.so.6", ...

  // Per-mapping figures in bytes (0 when the kernel did not print them).
  uint64_t rss = 0, pss = 0;
  uint64_t shared_clean = 0, shared_dirty = 0, private_clean = 0, private_dirty = 0;
  uint64_t referenced = 0, anonymous = 0, anon_huge = 0;
  uint64_t swap = 0, swap_pss = 0, locked = 0;
  std::string vm_flags;  // "rd wr mr mw me ac sd", as printed

  uint64_t size() const { return end - start; }
  bool no_access() const { return !read && !write && !exec; }
  // Not backed by a file: no inode and no path, or a name given by the kernel or by
  // prctl(PR_SET_VMA_ANON_NAME) such as "[heap]", "[stack]", "[anon:name]".
  bool anonymous_memory() const;
  // Private here means what Process Explorer's Private Bytes counts: pages that only this
  // process holds, resident or swapped out.
  uint64_t private_bytes() const { return private_clean + private_dirty + swap; }
  std::string perms() const;  // "rw-p"
};

// Parses smaps text. Throws leakdbg::Error ("smaps line N: ...") on malformed input:
// a bad header, a size field without "kB", numbers that overflow, mappings out of order.
// Unknown fields are ignored so that newer kernels stay readable.
std::vector<Mapping> parse_smaps(std::string_view text);

}  // namespace leakdbg::procmem
