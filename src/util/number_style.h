// How text output renders numbers throughout one command: decimal with units, or with
// `--hex` every byte count, block count and size as bare hex, as WinDbg prints them.
#pragma once

#include <cstdint>
#include <string>

namespace leakdbg {

struct NumberStyle {
  bool hex = false;
  std::string bytes(uint64_t n) const;        // "14.1 MiB" or "e1a000"
  std::string count(uint64_t n) const;        // "57235" or "df93"
  std::string size(uint64_t n) const;         // a block size: "48" or "30"
  std::string bytes_change(int64_t n) const;  // "+14.1 MiB" or "+e1a000"
  std::string count_change(int64_t n) const;  // "+12" or "+c"
};

}  // namespace leakdbg
