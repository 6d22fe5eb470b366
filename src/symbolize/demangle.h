// C++ symbol names as people read them.
#pragma once

#include <string>

namespace leakdbg {

// The demangled form of an Itanium-ABI name ("_ZN3foo3barEv" -> "foo::bar()"); any other
// name (C functions, already-demangled text) comes back unchanged.
std::string demangle(const std::string& name);

}  // namespace leakdbg
