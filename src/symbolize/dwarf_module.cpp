#include "symbolize/dwarf_module.h"

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <algorithm>

#include "symbolize/demangle.h"
#include "symbolize/dwarf_tags.h"

namespace leakdbg {

namespace {

const char* attr_string(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  return dwarf_formstring(dwarf_attr_integrate(die, name, &attr));
}

// The call site of an inline expansion, in the line table of the unit holding the DIE.
void call_site(Dwarf_Die* inlined, std::string* file, uint32_t* line) {
  file->clear();
  *line = 0;
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attr), &value) == 0)
    *line = static_cast<uint32_t>(value);
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attr), &value) != 0) return;
  Dwarf_Die cu;
  Dwarf_Files* files = nullptr;
  size_t count = 0;
  if (!dwarf_diecu(inlined, &cu, nullptr, nullptr)) return;
  if (dwarf_getsrcfiles(&cu, &files, &count) != 0 || value >= count) return;
  if (const char* name = dwarf_filesrc(files, value, nullptr, nullptr)) *file = name;
}

// An inline expansion's own offset: from its entry (its first instruction), or, for code
// placed before the entry (split ranges), from the start of the range that holds it.
uint64_t inline_offset(Dwarf_Die* inlined, uint64_t dwarf_pc) {
  Dwarf_Addr entry = 0;
  if (dwarf_entrypc(inlined, &entry) == 0 && dwarf_pc >= entry) return dwarf_pc - entry;
  Dwarf_Addr base = 0, low = 0, high = 0;
  for (ptrdiff_t off = 0; (off = dwarf_ranges(inlined, off, &base, &low, &high)) > 0;)
    if (low <= dwarf_pc && dwarf_pc < high) return dwarf_pc - low;
  return 0;
}

}  // namespace

std::unique_ptr<DwarfModule> DwarfModule::open(const std::string& file, uint64_t load_bias,
                                               const std::string& debuginfo_path,
                                               std::string* error) {
  std::unique_ptr<DwarfModule> m(new DwarfModule());
  m->debuginfo_path_ = debuginfo_path;
  m->debuginfo_path_ptr_ = m->debuginfo_path_.data();
  m->callbacks_.find_elf = dwfl_build_id_find_elf;
  m->callbacks_.find_debuginfo = dwfl_standard_find_debuginfo;
  m->callbacks_.section_address = dwfl_offline_section_address;
  m->callbacks_.debuginfo_path = &m->debuginfo_path_ptr_;
  m->dwfl_ = dwfl_begin(&m->callbacks_);
  if (!m->dwfl_) {
    *error = dwfl_errmsg(-1);
    return nullptr;
  }
  dwfl_report_begin(m->dwfl_);
  m->module_ = dwfl_report_elf(m->dwfl_, file.c_str(), file.c_str(), -1, load_bias, false);
  dwfl_report_end(m->dwfl_, nullptr, nullptr);
  if (!m->module_) {
    *error = dwfl_errmsg(-1);
    return nullptr;
  }
  Dwarf_Addr bias = 0;
  if (!dwfl_module_getelf(m->module_, &bias)) {
    *error = dwfl_errmsg(-1);
    return nullptr;
  }
  const unsigned char* bits = nullptr;
  GElf_Addr note_vaddr = 0;
  int id_size = dwfl_module_build_id(m->module_, &bits, &note_vaddr);
  if (id_size > 0) m->build_id_.assign(reinterpret_cast<const char*>(bits), id_size);
  m->has_dwarf_ = dwfl_module_getdwarf(m->module_, &bias) != nullptr;
  return m;
}

DwarfModule::~DwarfModule() {
  if (dwfl_) dwfl_end(dwfl_);
}

CuFunctions& DwarfModule::functions_of_cu(Dwarf_Die* cu) {
  auto it = cu_functions_.find(cu->addr);
  if (it == cu_functions_.end()) it = cu_functions_.try_emplace(cu->addr, cu).first;
  return it->second;
}

const std::string& DwarfModule::demangled(const char* mangled) {
  auto [it, inserted] = demangled_.try_emplace(mangled);
  if (inserted) it->second = demangle(mangled);
  return it->second;
}

namespace {

// The declaration a definition or inline copy completes (through abstract origins and
// specifications).
Dwarf_Die declaration_of(Dwarf_Die* die) {
  Dwarf_Die decl = *die;
  Dwarf_Attribute attr;
  for (int hops = 0; hops < 4; ++hops) {
    if (!dwarf_attr(&decl, DW_AT_abstract_origin, &attr) &&
        !dwarf_attr(&decl, DW_AT_specification, &attr))
      break;
    if (!dwarf_formref_die(&attr, &decl)) break;
  }
  return decl;
}

}  // namespace

std::string DwarfModule::qualified_plain_name(Dwarf_Die* die, const char* name) {
  // Member functions without a linkage name carry only their short name; their
  // declaration's enclosing namespaces and classes give the rest.
  Dwarf_Die decl = declaration_of(die);
  return scope_prefixes_.of(&decl) + name;
}

bool DwarfModule::overloaded(Dwarf_Die* die) {
  Dwarf_Die decl = declaration_of(die);
  return scope_prefixes_.overloaded(&decl);
}

const std::string& DwarfModule::die_name(Dwarf_Die* die) {
  auto [it, inserted] = die_names_.try_emplace(die->addr);
  if (!inserted) return it->second;
  const char* linkage = attr_string(die, DW_AT_linkage_name);
  if (!linkage) linkage = attr_string(die, DW_AT_MIPS_linkage_name);
  if (linkage) {
    it->second = demangled(linkage);
  } else if (const char* name = attr_string(die, DW_AT_name)) {
    it->second = qualified_plain_name(die, name);
  }
  return it->second;
}

std::vector<SymbolicFrame> DwarfModule::lookup(uint64_t pc) {
  std::vector<SymbolicFrame> frames;
  // Our own sorted table: libdwfl's address-to-symbol lookup scans the whole table.
  const ModuleSymbol* symbol = symbol_containing(pc);
  SymbolicFrame outer;
  if (symbol) outer.offset = pc - symbol->start;

  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(module_, pc, &bias);
  Dwarf_Die function;
  const bool in_function = cu && functions_of_cu(cu).find(pc - bias, &function);
  // libdw answers a line for addresses outside every unit too (the nearest row below, such
  // as the last line of main for _start): a line counts only inside the unit's or the
  // function's own ranges, as binutils' addr2line has it.
  if (in_function || (cu && dwarf_haspc(cu, pc - bias) == 1)) {
    if (Dwfl_Line* line = dwfl_module_getsrc(module_, pc)) {
      int lineno = 0;
      if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
        outer.file = file;
        outer.line = static_cast<uint32_t>(std::max(lineno, 0));
      }
    }
  }

  if (in_function) {
    // Walk down from the function to the innermost inline expansion holding pc.
    std::vector<Dwarf_Die> chain;
    Dwarf_Die scope = function;
    for (bool descended = true; descended;) {
      descended = false;
      Dwarf_Die child;
      if (dwarf_child(&scope, &child) != 0) break;
      do {
        int tag = dwarf_tag(&child);
        if (may_hold_inline(tag) && dwarf_haspc(&child, pc - bias) == 1) {
          if (tag == DW_TAG_inlined_subroutine) chain.push_back(child);
          scope = child;
          descended = true;
          break;
        }
      } while (dwarf_siblingof(&child, &child) == 0);
    }
    // Innermost first: an inlined callee sits at the line-table position; each level's
    // call site is where its caller stands.
    std::string file = outer.file;
    uint32_t line = outer.line;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      SymbolicFrame frame;
      frame.function = die_name(&*it);
      frame.file = file;
      frame.line = line;
      frame.offset = inline_offset(&*it, pc - bias);
      frame.inlined = true;
      frame.overloaded = overloaded(&*it);
      frames.push_back(std::move(frame));
      call_site(&*it, &file, &line);
    }
    outer.function = die_name(&function);
    outer.overloaded = overloaded(&function);
    outer.file = file;
    outer.line = line;
    if (!symbol) {
      Dwarf_Addr entry = 0;
      if (dwarf_entrypc(&function, &entry) == 0 && pc - bias >= entry)
        outer.offset = pc - bias - entry;
    }
  }
  // The symbol table names what DWARF leaves unnamed; demangled only then, as it is slow.
  if (outer.function.empty() && symbol) {
    outer.function = demangled(symbol->raw_name.c_str());
    // A symbol table cannot tell overloads apart: a C++ name keeps its parameters.
    outer.overloaded = outer.function.find('(') != std::string::npos;
  }
  if (outer.function.empty() && outer.file.empty() && frames.empty()) return frames;
  frames.push_back(std::move(outer));
  return frames;
}

const std::vector<ModuleSymbol>& DwarfModule::symbols() {
  if (symbols_loaded_) return symbols_;
  symbols_loaded_ = true;
  int count = dwfl_module_getsymtab(module_);
  for (int i = 1; i < count; ++i) {
    GElf_Sym sym;
    GElf_Addr address = 0;
    GElf_Word section = 0;
    const char* name =
        dwfl_module_getsym_info(module_, i, &sym, &address, &section, nullptr, nullptr);
    if (!name || !*name || section == SHN_UNDEF || address == 0) continue;
    int type = GELF_ST_TYPE(sym.st_info);
    // TLS symbols hold offsets into a thread's block, sections and files no addresses.
    if (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC && type != STT_NOTYPE)
      continue;
    // Aliases: a global function names an address better than a local or untyped label.
    int rank = (type == STT_FUNC || type == STT_GNU_IFUNC ? 0 : 2) +
               (GELF_ST_BIND(sym.st_info) == STB_LOCAL ? 1 : 0);
    symbols_.push_back({address, sym.st_size, name, rank});
  }
  std::sort(symbols_.begin(), symbols_.end(), [](const ModuleSymbol& a, const ModuleSymbol& b) {
    if (a.start != b.start) return a.start < b.start;
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.raw_name < b.raw_name;
  });
  symbols_.erase(std::unique(symbols_.begin(), symbols_.end(),
                             [](const ModuleSymbol& a, const ModuleSymbol& b) {
                               return a.start == b.start && a.raw_name == b.raw_name;
                             }),
                 symbols_.end());
  return symbols_;
}

const ModuleSymbol* DwarfModule::symbol_containing(uint64_t pc) {
  const auto& table = symbols();
  auto after = std::upper_bound(table.begin(), table.end(), pc,
                                [](uint64_t a, const ModuleSymbol& s) { return a < s.start; });
  if (after == table.begin()) return nullptr;
  const uint64_t start = std::prev(after)->start;
  auto group = std::lower_bound(table.begin(), after, start,
                                [](const ModuleSymbol& s, uint64_t a) { return s.start < a; });
  const ModuleSymbol* sizeless = nullptr;
  for (auto it = group; it != after; ++it) {
    if (pc < it->start + it->size) return &*it;
    if (it->size == 0 && !sizeless) sizeless = &*it;
  }
  return sizeless;
}

}  // namespace leakdbg
