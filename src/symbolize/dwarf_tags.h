// DIE tag classes shared by the symbolize part's DWARF walks.
#pragma once

#include <dwarf.h>

namespace leakdbg {

inline bool is_function_tag(int tag) {
  return tag == DW_TAG_subprogram || tag == DW_TAG_entry_point;
}

// Scopes that may hold more code ranges below a function: inline expansions and blocks.
inline bool may_hold_inline(int tag) {
  return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
         tag == DW_TAG_try_block || tag == DW_TAG_catch_block;
}

// Where namespaces and classes put their member functions.
inline bool is_container_tag(int tag) {
  return tag == DW_TAG_namespace || tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
         tag == DW_TAG_union_type || tag == DW_TAG_module;
}

}  // namespace leakdbg
