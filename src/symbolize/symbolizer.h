// Address -> function, file and line, for the modules recorded in a HeapModel.
// Implemented with elfutils libdwfl in-process, cached per module and per address.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

struct SymbolizerOptions {
  std::vector<std::string> debug_dirs;  // extra places for separate debug files
  std::string sysroot;                  // prefix for module paths (binaries moved elsewhere)
  bool warn = true;                     // one stderr line per module problem (build-id mismatch...)
};

// The nearest symbol at or below an address, for `ln` and type hints.
struct NearestSymbol {
  std::string module;    // module file name
  std::string name;      // demangled
  std::string raw_name;  // mangled, as in the symbol table
  uint64_t start = 0;    // runtime address
  uint64_t size = 0;
  std::string file;  // source position of the address, if known
  uint32_t line = 0;
  std::vector<SymbolicFrame> inline_chain;  // inlined callers at the address, innermost first
  std::optional<std::pair<std::string, uint64_t>> next;  // next symbol name and start
};

// A module whose frames stay module+offset, and why. Reported once per module, in the order
// met; renderers turn it into words (module_problem_text).
struct ModuleProblem {
  enum class Kind {
    kRelativePath,     // recorded by a relative name (an older tracker): no file to open
    kNotFound,         // the file is not there (see --sysroot)
    kUnreadable,       // not an ELF file libdwfl can read; detail holds its message
    kBuildIdMismatch,  // the file was replaced since the snapshot; detail: the file's id
  };
  std::string path;  // as recorded, or as resolved under the sysroot
  Kind kind = Kind::kNotFound;
  std::string detail;
};

// "PATH: not found; its frames show module+offset only (see --sysroot)" and the like.
std::string module_problem_text(const ModuleProblem& problem, const std::string& snapshot_build_id);

// Not thread-safe. The model must outlive the symbolizer (stacks are read from it).
// Module files are opened on first use; a missing file or a build-id that differs from the
// model's gives one warning and module+offset frames for that module, never a guessed line.
class Symbolizer {
 public:
  explicit Symbolizer(const HeapModel& model, SymbolizerOptions options = {});
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Frames for one stack address: inlined frames first (inlined = true), then the
  // enclosing function. Return addresses are looked up at address - 1.
  const std::vector<SymbolicFrame>& frames_at(uint64_t address, bool return_address = true);

  // All frames of a stack, innermost first. Stacks that already carry symbols (imports)
  // are returned as they are.
  std::vector<SymbolicFrame> frames_of(const Stack& stack);
  std::vector<SymbolicFrame> frames_of(uint32_t stack_id);  // empty for id 0 / unknown

  // The nearest symbol at or below `address` in its module; nullopt outside every module
  // or where the module's file cannot be read. With return_address, the source position
  // (file, line, inline_chain) is the call's, as in frames_at. inline_chain holds every
  // frame at the address (inlined callees first) when there is inlining, else it is empty.
  std::optional<NearestSymbol> nearest_symbol(uint64_t address, bool return_address = false);

  // The same without source position: a cached binary search, cheap enough to run on the
  // first word of every block (type hints).
  std::optional<NearestSymbol> nearest_symbol_name(uint64_t address);

  // Every symbol name (demangled) starting exactly at `start`: `ln`'s "Exact matches".
  std::vector<std::string> symbols_at(uint64_t start);

  // The modules met so far whose symbols could not be read.
  const std::vector<ModuleProblem>& module_problems() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A runtime/allocator frame (operator new, malloc, std::string internals, libstdc++):
// kept in stacks, folded in text output, skipped when naming "the" call site.
bool is_runtime_frame(const SymbolicFrame& frame);

// Type hint of a block from its first pointer-sized word (see issue text): vtable -> class
// name, other symbol -> "module!symbol", text -> "printable \"...\"", else "".
std::string type_hint(const Block& block, Symbolizer& symbolizer, const HeapModel& model);

}  // namespace leakdbg
