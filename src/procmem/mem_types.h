// The memory types of Sysinternals VMMap, as leakdbg maps Linux mappings onto them.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace leakdbg::procmem {

enum class MemType {
  kImage,        // ELF objects (executable, shared libraries, vdso) and their bss
  kMappedFile,   // other file-backed mappings
  kShareable,    // shared anonymous memory, shmem, memfd, SysV segments
  kHeap,         // brk heap, glibc thread arenas, mmapped chunks (malloc's own mmaps)
  kStack,        // main and thread stacks with their guard pages
  kPrivateData,  // the remaining private anonymous memory: direct mmap (VirtualAlloc)
  kPageTable,    // VmPTE: the kernel's page tables for this process
  kReserved,     // PROT_NONE reservations that belong to none of the above
};

inline constexpr std::array<MemType, 8> kAllMemTypes = {
    MemType::kImage, MemType::kMappedFile,  MemType::kShareable, MemType::kHeap,
    MemType::kStack, MemType::kPrivateData, MemType::kPageTable, MemType::kReserved};

std::string_view mem_type_name(MemType type);  // "Mapped File", as VMMap names it

// Accepts VMMap's names in any case, with spaces, '-' or '_' or nothing between words
// ("private data", "Private-Data", "privatedata").
std::optional<MemType> parse_mem_type(std::string_view text);

}  // namespace leakdbg::procmem
