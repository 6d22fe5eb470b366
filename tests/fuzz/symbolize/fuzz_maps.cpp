// /proc/PID/maps text (from a live process, or saved with a report) through parse_maps:
// any input either parses or throws leakdbg::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "symbolize/proc_modules.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& entry : leakdbg::parse_maps(text))
      if (entry.end < entry.start) __builtin_trap();
  } catch (const leakdbg::Error&) {
  }
  return 0;
}
