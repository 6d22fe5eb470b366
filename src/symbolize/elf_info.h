// Facts read straight from an ELF file on disk: its GNU build-id and its loadable segments.
// Used to check a snapshot's build-id against the file and to describe live processes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace leakdbg {

struct ElfLoadSegment {
  uint64_t vaddr = 0, memsz = 0, offset = 0, align = 0;
  uint32_t flags = 0;  // PF_R / PF_W / PF_X
};

struct ElfFileInfo {
  std::string build_id;           // raw bytes; empty if the file has none
  bool is_pie_or_shared = false;  // ET_DYN: loaded at a bias chosen at run time
  std::vector<ElfLoadSegment> loads;
};

// nullopt if the file cannot be opened or is not an ELF file.
std::optional<ElfFileInfo> read_elf_info(const std::string& path);

// Lower-case hex of raw bytes ("4f2a..."), as build-ids are usually written.
std::string to_hex(const std::string& bytes);

}  // namespace leakdbg
