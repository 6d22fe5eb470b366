// The functions of one compilation unit by address, from one walk of the unit's top level
// and of the namespaces and classes below it (where compilers put function definitions).
//
// An address outside every indexed function used to cost a dwarf_getscopes call, which
// tests every top-level DIE of the unit again: on large C++ units, padding between
// functions made that a sixth of cold symbolization. dwarf_getscopes can only find a
// function inside a top-level DIE holding the address, so the walk also notes the few
// top-level DIEs other than functions that hold code; only an address inside one of them
// (or inside an overlapped function) still asks dwarf_getscopes. Answers are unchanged.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace leakdbg {

class CuFunctions {
 public:
  explicit CuFunctions(Dwarf_Die* cu);

  // The function DIE whose code holds `dwarf_pc` (a DWARF address, bias removed).
  bool find(uint64_t dwarf_pc, Dwarf_Die* result);

 private:
  struct PcRange {
    uint64_t low = 0, high = 0;  // [low, high)
    Dwarf_Die die;
  };

  void collect(Dwarf_Die* parent, bool top_level);
  void note_other_code(Dwarf_Die* die);
  bool in_other_code(uint64_t dwarf_pc) const;

  Dwarf_Die cu_;
  std::vector<PcRange> ranges_;  // sorted by low
  std::vector<uint64_t> reach_;  // reach_[i]: highest `high` among ranges_[0..i]
  // Code ranges of top-level DIEs that are neither functions nor containers (rare: a
  // top-level lexical block, an imported unit); dwarf_getscopes may find functions there.
  std::vector<std::pair<uint64_t, uint64_t>> other_code_;
  bool other_code_anywhere_ = false;  // a top-level DIE whose extent is unknown
};

}  // namespace leakdbg
