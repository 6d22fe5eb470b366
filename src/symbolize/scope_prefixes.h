// The namespaces and classes around a declaration ("ns::Widget::"), for functions whose
// DWARF carries only a short name: GCC leaves the linkage name off many declarations
// (function template instances such as std::destroy_at<T>, members of local classes and
// lambdas, C functions declared in a namespace).
//
// libdw's dwarf_getscopes_die answers this by visiting every DIE stored before the
// declaration, which made naming the dominant cost of cold symbolization on large C++
// units (the same unit walked again for each name). DIEs are stored in preorder, so a
// child's subtree ends where its next sibling starts: descending only into the child that
// holds the declaration gives the same scopes after a few sibling hops per level.
#pragma once

#include <elfutils/libdw.h>

#include <string>
#include <unordered_map>

namespace leakdbg {

class ScopePrefixes {
 public:
  // "ns::Widget::" for a declaration of ns::Widget (outermost first, each scope followed by
  // "::"), "" at a unit's top level. Anonymous namespaces and classes read
  // "(anonymous namespace)". Cached per declaration.
  const std::string& of(Dwarf_Die* declaration);

  // True when another function of the declaration's name is declared in the same scope
  // (an overload, or a const/non-const pair). Cached per declaration.
  bool overloaded(Dwarf_Die* declaration);

 private:
  std::unordered_map<const void*, std::string> by_die_;
  std::unordered_map<const void*, bool> overloaded_;
};

}  // namespace leakdbg
