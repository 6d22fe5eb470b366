#include "procmem/mem_types.h"

#include <string>

namespace leakdbg::procmem {

std::string_view mem_type_name(MemType type) {
  switch (type) {
    case MemType::kImage:
      return "Image";
    case MemType::kMappedFile:
      return "Mapped File";
    case MemType::kShareable:
      return "Shareable";
    case MemType::kHeap:
      return "Heap";
    case MemType::kStack:
      return "Stack";
    case MemType::kPrivateData:
      return "Private Data";
    case MemType::kPageTable:
      return "Page Table";
    case MemType::kReserved:
      return "Reserved";
  }
  return "?";
}

namespace {

std::string squash(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '_') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

std::optional<MemType> parse_mem_type(std::string_view text) {
  std::string wanted = squash(text);
  if (wanted.empty()) return std::nullopt;
  for (MemType type : kAllMemTypes)
    if (squash(mem_type_name(type)) == wanted) return type;
  return std::nullopt;
}

}  // namespace leakdbg::procmem
