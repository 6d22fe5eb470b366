#include "symbolize/scope_prefixes.h"

#include <dwarf.h>

#include <cstring>

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
// `target` is not reachable below `parent` through scopes. `holder`, if given, receives the
// DIE whose child `target` is.
bool find_scopes(Dwarf_Die* parent, const void* target, std::string& prefix,
                 Dwarf_Die* holder = nullptr) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return false;
  const char* wanted = static_cast<const char*>(target);
  for (;;) {
    if (child.addr == target) {
      if (holder) *holder = *parent;
      return true;
    }
    Dwarf_Die next;
    int last = dwarf_siblingof(&child, &next);
    if (last < 0) return false;
    if (last > 0 || wanted < static_cast<const char*>(next.addr)) {
      int tag = dwarf_tag(&child);
      if (!scope_walk_tag(tag)) return false;
      if (is_container_tag(tag)) prefix += scope_name(&child) + "::";
      return find_scopes(&child, target, prefix, holder);
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

bool ScopePrefixes::overloaded(Dwarf_Die* declaration) {
  auto [it, inserted] = overloaded_.try_emplace(declaration->addr, false);
  if (!inserted) return it->second;
  const char* name = dwarf_diename(declaration);
  Dwarf_Die unit, scope;
  std::string ignored;
  if (!name || !dwarf_diecu(declaration, &unit, nullptr, nullptr)) return false;
  // C has no overloads: no need to walk the unit.
  Dwarf_Word language = 0;
  Dwarf_Attribute attr;
  if (dwarf_formudata(dwarf_attr(&unit, DW_AT_language, &attr), &language) == 0 &&
      (language == DW_LANG_C89 || language == DW_LANG_C || language == DW_LANG_C99 ||
       language == DW_LANG_C11))
    return false;
  if (!find_scopes(&unit, declaration->addr, ignored, &scope)) return false;
  // Declarations only: a definition that completes one (DW_AT_specification) is the same
  // function again.
  int same_name = 0;
  Dwarf_Die child;
  if (dwarf_child(&scope, &child) != 0) return false;
  do {
    if (dwarf_tag(&child) != DW_TAG_subprogram || dwarf_hasattr(&child, DW_AT_specification) ||
        dwarf_hasattr(&child, DW_AT_abstract_origin))
      continue;
    const char* other = dwarf_diename(&child);
    if (other && std::strcmp(other, name) == 0) ++same_name;
  } while (dwarf_siblingof(&child, &child) == 0 && same_name < 2);
  it->second = same_name > 1;
  return it->second;
}

}  // namespace leakdbg
