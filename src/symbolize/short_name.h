// Readable function names for text output. Demangled C++ names spell out every default
// template argument and the whole signature:
//
//   parse(std::basic_string_view<char, std::char_traits<char> >, std::vector<int,
//   std::allocator<int> > const&)
//
// short_function_name keeps what tells functions apart: standard template arguments are
// collapsed (std::string, std::string_view, std::ostream; allocator, char_traits and
// default comparator/deleter arguments dropped; std::__cxx11:: -> std::), the return type
// of template functions is dropped, and the parameter list too unless the function is
// overloaded (then its collapsed parameters stay, as they are what tells the overloads
// apart).
#pragma once

#include <string>
#include <string_view>

namespace leakdbg {

// The short form of a demangled function name. `overloaded`: another function of the same
// name exists in the same scope, so the parameter list stays.
std::string short_function_name(std::string_view full, bool overloaded = false);

// Only the template collapsing (std::string, dropped default arguments, std::__cxx11::),
// for any demangled text: type names, whole signatures.
std::string collapse_std_templates(std::string_view text);

}  // namespace leakdbg
