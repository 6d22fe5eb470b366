// Short C++ function names for profile viewers: "void ns::Cls<std::string>::f(int) const"
// becomes "ns::Cls::f", the way pprof and flame-graph tools show C++ frames, while keeping
// what they get wrong: "(anonymous namespace)", operator names ("operator<<",
// "operator()", "operator new") and lambda names ("{lambda(int)#1}").
#pragma once

#include <string>

namespace leakdbg::exporter {

// The name without return type, template arguments and parameter list; the input itself
// when nothing is left (a bare address, a module+offset).
std::string short_function_name(const std::string& name);

}  // namespace leakdbg::exporter
