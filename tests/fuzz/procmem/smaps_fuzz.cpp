// Feeds arbitrary bytes to the smaps, status and syscall parsers, then classifies what
// parsed, with the same bytes standing in for the target's memory. Besides not crashing,
// the classification must tile every mapping exactly.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "procmem/classify.h"
#include "procmem/live_process.h"
#include "procmem/smaps.h"
#include "procmem/status.h"
#include "procmem/vm_summary.h"
#include "util/error.h"

namespace {

void check_tiling(const std::vector<leakdbg::procmem::Mapping>& maps,
                  const std::vector<leakdbg::procmem::Piece>& pieces) {
  size_t p = 0;
  for (size_t m = 0; m < maps.size(); ++m) {
    uint64_t at = maps[m].start;
    while (p < pieces.size() && pieces[p].mapping == m) {
      if (pieces[p].start != at || pieces[p].end <= pieces[p].start) std::abort();
      at = pieces[p].end;
      ++p;
    }
    if (at != maps[m].end) std::abort();
  }
  if (p != pieces.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leakdbg::procmem;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ProcStatus status = parse_proc_status(text);
  (void)parse_syscall_sp(text);
  try {
    auto maps = parse_smaps(text);
    check_tiling(maps, classify(maps, {}));
    // The input's bytes, repeated, as the target's memory: drives the heap header probes.
    Knowledge k;
    k.read_memory = [text](uint64_t address, void* out, size_t n) {
      if (text.empty()) return false;
      auto* bytes = static_cast<unsigned char*>(out);
      for (size_t i = 0; i < n; ++i)
        bytes[i] = static_cast<unsigned char>(text[(address + i) % text.size()]);
      return true;
    };
    auto pieces = classify(maps, k);
    check_tiling(maps, pieces);
    (void)summarize(maps, pieces, status);
  } catch (const leakdbg::Error&) {
  }
  return 0;
}
