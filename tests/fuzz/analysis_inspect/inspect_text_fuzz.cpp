// Fuzz target: the first 8 bytes are an address, the rest is smaps text (also tried as a
// heap id). The lookup must never throw or read out of bounds; a found mapping must hold
// the address; a heap id either parses or gives leakdbg::Error.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "analysis/heap_select.h"
#include "analysis/mapping_lookup.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t address = 0;
  if (size > 0) std::memcpy(&address, data, std::min<size_t>(size, sizeof address));
  std::string_view text;
  if (size > sizeof address)
    text = {reinterpret_cast<const char*>(data) + sizeof address, size - sizeof address};
  auto mapping = leakdbg::find_mapping_in_smaps(text, address);
  if (mapping && (address < mapping->start || address >= mapping->end)) __builtin_trap();

  static leakdbg::HeapModel model = [] {
    leakdbg::HeapModel m;
    leakdbg::Arena arena;
    arena.is_main = true;
    arena.address = 0x7f00aa000000;
    m.arenas.push_back(arena);
    return m;
  }();
  try {
    leakdbg::HeapSelector heap = leakdbg::parse_heap_id(model, text);
    if (leakdbg::heap_id(model, heap).empty()) __builtin_trap();
  } catch (const leakdbg::Error&) {
  }
  return 0;
}
