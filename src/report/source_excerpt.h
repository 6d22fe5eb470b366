// The source lines around an allocation site, shown under a suspect when the file can be
// read on this machine (the build's sources, or a checkout at the same place).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leakdbg::report {

struct SourceExcerpt {
  std::string file;
  uint32_t first_line = 0;  // number of lines.front()
  uint32_t line = 0;        // the site's line
  std::vector<std::string> lines;
};

// Up to `context` lines either side of `line`; nullopt when the file is not a readable
// regular file or is shorter than `line`. Long lines are cut.
std::optional<SourceExcerpt> source_excerpt(const std::string& file, uint32_t line,
                                            uint32_t context = 4);

}  // namespace leakdbg::report
