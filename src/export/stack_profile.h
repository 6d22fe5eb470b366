// A snapshot's live memory aggregated by call stack, in the shape profile formats want:
// locations (one per return address, with its inlined frames), the modules they lie in, and
// one sample per distinct stack with its block count and bytes. With a base snapshot the
// samples are the growth from the base (negative where memory was freed), matched by
// symbols so that the base may come from another run of the same build.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/heap_model.h"
#include "symbolize/symbolizer.h"

namespace leakdbg::exporter {

struct ProfileMapping {
  uint64_t start = 0, limit = 0, file_offset = 0;
  std::string file;          // module path
  std::string build_id_hex;  // lowercase hex, "" if unknown
};

struct ProfileLocation {
  uint64_t address = 0;              // 0 for imported text, which has no addresses
  int mapping = -1;                  // index into StackProfile::mappings, -1 if none
  std::vector<SymbolicFrame> lines;  // inlined frames first, the enclosing function last
};

enum class MemoryKind : uint8_t { kHeap, kMmap };

struct ProfileSample {
  std::vector<uint32_t> locations;  // indexes into StackProfile::locations, innermost first
  MemoryKind kind = MemoryKind::kHeap;
  int64_t objects = 0, bytes = 0;
};

struct StackProfile {
  std::vector<ProfileMapping> mappings;
  std::vector<ProfileLocation> locations;
  std::vector<ProfileSample> samples;  // largest bytes first; no sample with zero change
  bool growth = false;                 // samples are snapshot minus base
  uint64_t time_ns = 0;                // the snapshot's wall-clock time, 0 if unknown
  uint64_t duration_ns = 0;            // since the base, or since the process started
};

// Live heap blocks and anonymous mmap regions of `snapshot`, minus those of `base` when
// given. Both models must outlive the call only.
StackProfile profile_of(const HeapModel& snapshot, const HeapModel* base,
                        const SymbolizerOptions& symbols);

// The name a frame goes by in a profile: its function, else "module+0xoffset", else the
// address.
std::string frame_name(const SymbolicFrame& frame);

// The same with a function's name shortened as text output shows it (symbolize/short_name.h):
// what profile viewers and flame graphs display.
std::string short_frame_name(const SymbolicFrame& frame);

}  // namespace leakdbg::exporter
