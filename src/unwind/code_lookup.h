// Which loaded module holds a code address, and where its unwind tables are. Asks the
// dynamic loader every time (dl_iterate_phdr): only cache misses come here, and the loader's
// list is always current, so nothing goes stale across dlopen/dlclose.
#pragma once

#include <cstdint>

#include "unwind/eh_frame.h"

namespace leakdbg::unwind {

struct CodeLocation {
  bool in_executable_segment = false;
  bool has_eh_frame_hdr = false;
  EhFrameSource eh_frame;
};

CodeLocation locate_code(uintptr_t pc);

}  // namespace leakdbg::unwind
