#include "tracker/control_request.h"

#include <cstring>

#include "tracker/control_protocol.h"

namespace leakdbg::tracker {

bool parse_snapshot_request(const char* line, size_t length, char* label, size_t label_size,
                            bool* reachability) {
  if (label_size == 0) return false;
  label[0] = '\0';
  if (reachability) *reachability = false;
  const size_t verb = std::strlen(control::kRequestSnapshot);
  if (length < verb || std::memcmp(line, control::kRequestSnapshot, verb) != 0) return false;
  if (length == verb) return true;
  if (line[verb] != ' ') return false;
  size_t from = verb + 1;
  const size_t option = std::strlen(control::kRequestReachabilityOption);
  if (length - from >= option &&
      std::memcmp(line + from, control::kRequestReachabilityOption, option) == 0 &&
      (length - from == option || line[from + option] == ' ')) {
    if (reachability) *reachability = true;
    from += option + (length - from == option ? 0 : 1);
  }
  size_t used = 0;
  for (size_t i = from; i < length && used + 1 < label_size; ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    // The label ends up in a file's metadata and in terminal output: no control characters.
    label[used++] = (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  label[used] = '\0';
  return true;
}

}  // namespace leakdbg::tracker
