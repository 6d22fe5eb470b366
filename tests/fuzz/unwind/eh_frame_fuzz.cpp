// Fuzz target of the .eh_frame reader. Input: u64 pc offset, u32 offset of .eh_frame_hdr,
// then the bytes of the loaded segment that holds .eh_frame_hdr and .eh_frame (offsets are
// relative to the segment's first byte, as in memory).
#include <cstdint>
#include <cstring>
#include <vector>

#include "unwind/eh_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 12;
  if (size < kHeader) return 0;
  uint64_t pc_offset;
  uint32_t hdr_offset;
  std::memcpy(&pc_offset, data, 8);
  std::memcpy(&hdr_offset, data + 8, 4);
  // An exact-size heap copy, so that a sanitizer sees any read past the segment.
  std::vector<uint8_t> segment(data + kHeader, data + size);
  if (segment.empty()) return 0;
  const auto lo = reinterpret_cast<uintptr_t>(segment.data());
  const leakdbg::unwind::EhFrameSource source{lo + hdr_offset % segment.size(), lo,
                                              lo + segment.size()};
  // Also some addresses outside the segment, where code usually lies.
  const uintptr_t pcs[] = {lo + pc_offset % segment.size(), lo + pc_offset, lo - pc_offset % 4096};
  for (uintptr_t pc : pcs) {
    const auto rule = leakdbg::unwind::find_frame_rule(source, pc);
    if (rule.walks() && rule.cfa_offset < 8) __builtin_trap();  // never a usable nonsense rule
  }
  return 0;
}
