#include "tracker/control_request.h"

#include <cstring>

#include "tracker/control_protocol.h"

namespace leakdbg::tracker {

bool parse_snapshot_request(const char* line, size_t length, char* label, size_t label_size) {
  if (label_size == 0) return false;
  label[0] = '\0';
  const size_t verb = std::strlen(control::kRequestSnapshot);
  if (length < verb || std::memcmp(line, control::kRequestSnapshot, verb) != 0) return false;
  if (length == verb) return true;
  if (line[verb] != ' ') return false;
  size_t used = 0;
  for (size_t i = verb + 1; i < length && used + 1 < label_size; ++i) {
    auto c = static_cast<unsigned char>(line[i]);
    // The label ends up in a file's metadata and in terminal output: no control characters.
    label[used++] = (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  label[used] = '\0';
  return true;
}

}  // namespace leakdbg::tracker
