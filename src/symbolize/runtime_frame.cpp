// Which frames belong to the C/C++ runtime rather than to the program: they stay in stacks
// but are folded in text and skipped when a call site is named.
#include <array>
#include <string_view>

#include "symbolize/symbolizer.h"

namespace leakdbg {

namespace {

// Runtime libraries and allocators: every frame inside them is the runtime's.
bool is_runtime_module(std::string_view module) {
  static constexpr std::array<std::string_view, 10> kPrefixes = {
      "libstdc++.so", "libc.so",      "libc-",          "ld-linux",    "libgcc_s.so",
      "libc++.so",    "libc++abi.so", "libjemalloc.so", "libtcmalloc", "libleakdbg.so"};
  for (auto prefix : kPrefixes)
    if (module.starts_with(prefix)) return true;
  return false;
}

// "void std::vector<int>::_M_realloc_insert<int>(...)" ->
// "std::vector<int>::_M_realloc_insert<int>": drops a template function's return type and the
// parameter list, so that the qualified name's first component can be tested.
std::string_view qualified_name(std::string_view function) {
  static constexpr std::string_view kAnonymous = "(anonymous namespace)";
  size_t start = 0;
  int angle = 0;
  for (size_t i = 0; i < function.size(); ++i) {
    char c = function[i];
    if (c == '(' && function.substr(i, kAnonymous.size()) == kAnonymous) {
      i += kAnonymous.size() - 1;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (c == '(' && angle == 0) {
      return function.substr(start, i - start);
    } else if (c == ' ' && angle == 0) {
      start = i + 1;
    }
  }
  return function.substr(start);
}

bool is_allocation_function(std::string_view name) {
  static constexpr std::array<std::string_view, 18> kNames = {
      "malloc",        "calloc",         "realloc",        "reallocarray", "free",
      "memalign",      "posix_memalign", "aligned_alloc",  "valloc",       "pvalloc",
      "strdup",        "strndup",        "__strdup",       "__strndup",    "__libc_malloc",
      "__libc_calloc", "__libc_realloc", "__libc_memalign"};
  for (auto known : kNames)
    if (name == known) return true;
  return false;
}

}  // namespace

bool is_runtime_frame(const SymbolicFrame& frame) {
  if (is_runtime_module(frame.module)) return true;
  std::string_view function = frame.function;
  if (function.starts_with("operator new") || function.starts_with("operator delete")) return true;
  std::string_view name = qualified_name(function);
  if (is_allocation_function(name)) return true;
  for (std::string_view ns : {"std::", "__gnu_cxx::", "__cxxabiv1::", "__cxa_"})
    if (name.starts_with(ns)) return true;
  // Inline expansions from the C++ library headers (their DWARF names may be unqualified).
  return frame.file.find("/include/c++/") != std::string::npos;
}

}  // namespace leakdbg
