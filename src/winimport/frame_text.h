// One stack frame as WinDbg and UMDH print it:
//   77a1e5f2 ntdll!RtlAllocateHeap+0x0000003e             (!heap -p -a: address, symbol)
//   CppResourceLeaks!LeakHeapMemory+00000083 (e:\src\leaks.cpp, 228)   (UMDH -l)
//   MyApp!operator new+0x0000000E    Tally+0x1a2b    7C96D6DC   (no symbols at all)
#pragma once

#include <optional>
#include <string_view>

#include "model/heap_model.h"

namespace leakdbg::winimport {

// nullopt if the text is not a frame. A frame without an address keeps address 0.
std::optional<SymbolicFrame> parse_frame(std::string_view text);

// "Tally!g_ruleStrings" or "unknown!printable": a symbol without address or offset, as
// printed under a heap entry (the first pointer of the block resolved).
bool looks_like_symbol(std::string_view text);

}  // namespace leakdbg::winimport
