// One mapping line as the kernel prints it in /proc/PID/maps, and as the header of each
// mapping in /proc/PID/smaps: "start-end perms offset major:minor inode   path".
// The live-process symbolizer, the smaps figures and the address lookup all read these
// lines; one parser keeps them agreeing on what a well-formed line is.
#pragma once

#include <cstdint>
#include <string_view>

namespace leakdbg {

struct MapsLine {
  uint64_t start = 0, end = 0;  // [start, end); their order is left to the caller to judge
  std::string_view range;       // "7f12a000-7f12b000" as printed
  std::string_view perms;       // "r-xp" as printed
  bool read = false, write = false, exec = false, shared = false;
  uint64_t offset = 0;
  uint32_t dev_major = 0, dev_minor = 0;
  uint64_t inode = 0;
  // The rest of the line after the inode, leading spaces dropped: "" for anonymous memory,
  // "[heap]", or a file path, which may itself hold spaces.
  std::string_view path;
};

// The fields in the order the kernel prints them; kNone for a well-formed line.
enum class MapsField : uint8_t { kNone, kRange, kPerms, kOffset, kDevice, kInode };

// Parses one line (without its line break) into `fields`, which views `line`. Returns the
// first malformed field, with its text in `bad_text` when given, so that each caller words
// its own error; the fields before that one are already filled in. Numbers are plain hex
// (the inode decimal) without prefixes or signs; fields are separated by spaces.
MapsField parse_maps_line(std::string_view line, MapsLine& fields,
                          std::string_view* bad_text = nullptr);

}  // namespace leakdbg
