#include "smaps_text.h"

#include <cstdio>

namespace procmem_test {

std::string smaps_entry(uint64_t start, uint64_t end, const std::string& perms,
                        const std::string& path, uint64_t inode, uint64_t rss_kb,
                        uint64_t private_dirty_kb, uint64_t shared_clean_kb, uint64_t swap_kb,
                        uint64_t locked_kb) {
  char head[256];
  if (inode == 0 && !path.empty() && path[0] == '/') inode = 4242;
  std::snprintf(head, sizeof head, "%012llx-%012llx %s 00000000 %s %llu",
                static_cast<unsigned long long>(start), static_cast<unsigned long long>(end),
                perms.c_str(), inode ? "fe:00" : "00:00", static_cast<unsigned long long>(inode));
  std::string text = head;
  if (!path.empty()) text += std::string(26, ' ') + path;
  text += "\n";
  auto field = [&](const char* name, uint64_t kb) {
    char line[96];
    std::snprintf(line, sizeof line, "%-16s%8llu kB\n", name, static_cast<unsigned long long>(kb));
    text += line;
  };
  field("Size:", (end - start) / 1024);
  field("KernelPageSize:", 4);
  field("MMUPageSize:", 4);
  field("Rss:", rss_kb);
  field("Pss:", rss_kb);
  field("Shared_Clean:", shared_clean_kb);
  field("Shared_Dirty:", 0);
  field("Private_Clean:", rss_kb - private_dirty_kb - shared_clean_kb);
  field("Private_Dirty:", private_dirty_kb);
  field("Referenced:", rss_kb);
  field("Anonymous:", path.empty() ? rss_kb : 0);
  field("Swap:", swap_kb);
  field("SwapPss:", swap_kb);
  field("Locked:", locked_kb);
  text += "THPeligible:    0\n";
  text += "VmFlags: rd wr mr mw me ac sd\n";
  return text;
}

}  // namespace procmem_test
