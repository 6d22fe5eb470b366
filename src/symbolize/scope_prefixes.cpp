#include "symbolize/scope_prefixes.h"

#include "symbolize/dwarf_tags.h"

namespace leakdbg {

namespace {

std::string scope_name(Dwarf_Die* scope) {
  const char* name = dwarf_diename(scope);
  return name ? name : "(anonymous namespace)";
}

// The scopes dwarf_getscopes_die descends into (libdw's may_have_scopes); a declaration
// below any other DIE is not found by it, and gets no prefix here either.
bool scope_walk_tag(int tag) {
  switch (tag) {
    case DW_TAG_compile_unit:
    case DW_TAG_module:
    case DW_TAG_lexical_block:
    case DW_TAG_with_stmt:
    case DW_TAG_catch_block:
    case DW_TAG_try_block:
    case DW_TAG_entry_point:
    case DW_TAG_inlined_subroutine:
    case DW_TAG_subprogram:
    case DW_TAG_namespace:
    case DW_TAG_class_type:
    case DW_TAG_structure_type:
      return true;
    default:
      return false;
  }
}

// Appends the names of the containers between `parent` and `target` to `prefix`; false if
// `target` is not reachable below `parent` through scopes.
bool find_scopes(Dwarf_Die* parent, const void* target, std::string& prefix) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return false;
  const char* wanted = static_cast<const char*>(target);
  for (;;) {
    if (child.addr == target) return true;
    Dwarf_Die next;
    int last = dwarf_siblingof(&child, &next);
    if (last < 0) return false;
    if (last > 0 || wanted < static_cast<const char*>(next.addr)) {
      int tag = dwarf_tag(&child);
      if (!scope_walk_tag(tag)) return false;
      if (is_container_tag(tag)) prefix += scope_name(&child) + "::";
      return find_scopes(&child, target, prefix);
    }
    child = next;
  }
}

}  // namespace

const std::string& ScopePrefixes::of(Dwarf_Die* declaration) {
  auto [it, inserted] = by_die_.try_emplace(declaration->addr);
  if (!inserted) return it->second;
  // Imported (partial) units are not entered: a declaration is named from its own unit.
  Dwarf_Die unit;
  if (!dwarf_diecu(declaration, &unit, nullptr, nullptr) ||
      !find_scopes(&unit, declaration->addr, it->second))
    it->second.clear();
  return it->second;
}

}  // namespace leakdbg
