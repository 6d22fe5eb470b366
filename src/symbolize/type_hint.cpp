// What a block probably holds, from its first pointer-sized word: the `!heap -flt` symbol
// line of WinDbg, with the Itanium C++ ABI's vtable layout.
#include <cstring>
#include <string_view>

#include "symbolize/symbolizer.h"
#include "util/units.h"

namespace leakdbg {

namespace {

// An object's vptr points 16 bytes into `vtable for T` (past offset-to-top and typeinfo).
constexpr uint64_t kVptrOffset = 16;
// Shorter printable runs are too often pieces of pointers or small integers.
constexpr size_t kMinPrintable = 4;

std::string printable_hint(const Block& block) {
  size_t captured = std::min<uint64_t>(block.size, sizeof block.content);
  std::string text;
  for (size_t i = 0; i < captured; ++i) {
    unsigned char c = block.content[i];
    if (c == 0) break;
    if (c == '\t' || c == '\n' || c == '\r') {
      text += c == '\t' ? "\\t" : c == '\n' ? "\\n" : "\\r";
      continue;
    }
    if (c < 0x20 || c > 0x7e) return "";
    if (c == '"' || c == '\\') text += '\\';
    text += static_cast<char>(c);
  }
  if (text.size() < kMinPrintable) return "";
  return "printable \"" + text + "\"";
}

}  // namespace

// The model's modules already stand behind the symbolizer; the parameter keeps the
// declared signature open for hints from other model facts.
std::string type_hint(const Block& block, Symbolizer& symbolizer,
                      [[maybe_unused]] const HeapModel& model) {
  if (!block.content_valid()) return "";
  if (block.size >= sizeof(uint64_t)) {
    uint64_t word = 0;
    std::memcpy(&word, block.content, sizeof word);  // little-endian targets, as the format
    if (auto symbol = symbolizer.nearest_symbol_name(word)) {
      static constexpr std::string_view kVtable = "vtable for ";
      if (symbol->raw_name.starts_with("_ZTV") && word == symbol->start + kVptrOffset &&
          symbol->name.starts_with(kVtable))
        return symbol->name.substr(kVtable.size());
      uint64_t offset = word - symbol->start;
      if (offset == 0) return symbol->module + "!" + symbol->name;
      if (offset < symbol->size)
        return symbol->module + "!" + symbol->name + "+" + format_hex(offset);
    }
  }
  return printable_hint(block);
}

}  // namespace leakdbg
