// Feeds arbitrary bytes to the control request parser and the malloc_info parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "format/records.h"
#include "tracker/control_request.h"
#include "tracker/glibc_heap.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* text = reinterpret_cast<const char*>(data);
  char label[64];
  if (leakdbg::tracker::parse_snapshot_request(text, size, label, sizeof label)) {
    if (std::strlen(label) >= sizeof label) std::abort();
  }
  leakdbg::tracker::ByteBuffer arenas;
  if (leakdbg::tracker::parse_malloc_info(text, size, arenas) &&
      arenas.size() % sizeof(leakdbg::fmt::ArenaRecord) != 0)
    std::abort();
  return 0;
}
