// The address range of the tracker's own code, so that its frames (hooks, recording, the
// unwinder linked into it) are cut from the top of every captured stack.
#pragma once

#include <cstdint>

namespace leakdbg::tracker {

extern uintptr_t g_own_code_start;
extern uintptr_t g_own_code_end;

inline bool is_own_code(uintptr_t address) {
  return address >= g_own_code_start && address < g_own_code_end;
}

// Finds the executable segments of the object that contains this function.
void find_own_code();

}  // namespace leakdbg::tracker
