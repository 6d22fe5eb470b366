// Finds the frame rule for one code address from a module's .eh_frame_hdr search table and
// .eh_frame records, reading only inside [lo, hi) (the loaded segment that holds them).
#pragma once

#include <cstdint>

#include "unwind/frame_rule.h"

namespace leakdbg::unwind {

struct EhFrameSource {
  uintptr_t hdr = 0;         // address of .eh_frame_hdr (PT_GNU_EH_FRAME)
  uintptr_t lo = 0, hi = 0;  // readable bytes around it
};

// pc is the address whose CFI row is wanted (a return address minus one). Returns kFallback
// when there is no usable record or the rule is not expressible as a FrameRule.
FrameRule find_frame_rule(const EhFrameSource& source, uintptr_t pc);

}  // namespace leakdbg::unwind
