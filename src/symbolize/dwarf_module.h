// One module's symbols and debug information, read through its own libdwfl session.
//
// Each module gets its own Dwfl so that modules recorded over a process lifetime (a plugin
// unloaded and another loaded at the same place) never collide; the Symbolizer decides which
// module an address belongs to. Lookups are cached per compilation unit and per DIE name.
#pragma once

#include <elfutils/libdwfl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/heap_model.h"
#include "symbolize/cu_functions.h"
#include "symbolize/scope_prefixes.h"

namespace leakdbg {

struct ModuleSymbol {
  uint64_t start = 0, size = 0;  // runtime addresses
  std::string raw_name;          // as in the symbol table
  int rank = 0;                  // among aliases, lower names the address better
};

class DwarfModule {
 public:
  // Reports `file` at `load_bias` (ignored for fixed-address executables). Separate debug
  // files are found by build-id and .gnu_debuglink along `debuginfo_path` (libdwfl syntax,
  // colon-separated). Returns nullptr and sets *error if the file cannot be used.
  static std::unique_ptr<DwarfModule> open(const std::string& file, uint64_t load_bias,
                                           const std::string& debuginfo_path, std::string* error);
  ~DwarfModule();
  DwarfModule(const DwarfModule&) = delete;
  DwarfModule& operator=(const DwarfModule&) = delete;

  const std::string& build_id() const { return build_id_; }
  bool has_dwarf() const { return has_dwarf_; }

  // Frames at runtime address `pc`, innermost first: each inline level (inlined = true),
  // then the enclosing function. `address` and `module` are left for the caller to fill;
  // `offset` is from the enclosing function's start. Empty if nothing is known at `pc`.
  std::vector<SymbolicFrame> lookup(uint64_t pc);

  // Function and object symbols sorted by start, aliases adjacent and best first.
  const std::vector<ModuleSymbol>& symbols();

  // The symbol whose extent holds `pc` (or a sizeless one starting at or below it);
  // nullptr in gaps such as padding and PLT stubs.
  const ModuleSymbol* symbol_containing(uint64_t pc);

 private:
  DwarfModule() = default;

  CuFunctions& functions_of_cu(Dwarf_Die* cu);
  const std::string& die_name(Dwarf_Die* die);
  std::string qualified_plain_name(Dwarf_Die* die, const char* name);
  bool overloaded(Dwarf_Die* die);
  const std::string& demangled(const char* mangled);

  Dwfl_Callbacks callbacks_{};
  std::string debuginfo_path_;
  char* debuginfo_path_ptr_ = nullptr;  // libdwfl reads the path through a char**
  Dwfl* dwfl_ = nullptr;
  Dwfl_Module* module_ = nullptr;
  std::string build_id_;
  bool has_dwarf_ = false;
  // Keyed by the DIE's address in the mapped debug data: unique even across a dwz alt file.
  std::unordered_map<const void*, CuFunctions> cu_functions_;
  std::unordered_map<const void*, std::string> die_names_;
  ScopePrefixes scope_prefixes_;
  // Keyed by the name's address (symbol table entries, .debug_str): every inline copy of a
  // function shares one linkage name, and demangling is the costly part of naming it.
  std::unordered_map<const char*, std::string> demangled_;
  std::vector<ModuleSymbol> symbols_;
  bool symbols_loaded_ = false;
};

}  // namespace leakdbg
