// Parsing of one control socket request line (protocol in control_protocol.h). Separate from
// the socket code so that it can be fuzzed: the line comes from another process.
#pragma once

#include <cstddef>

namespace leakdbg::tracker {

// `line` is one request without its newline, `length` bytes (not necessarily NUL-terminated).
// On "snapshot" or "snapshot LABEL" returns true and copies the label (possibly empty,
// truncated to label_size - 1 bytes, control characters replaced by '?') into `label`.
// "snapshot --reachability [LABEL]" sets *reachability (when given) to true.
bool parse_snapshot_request(const char* line, size_t length, char* label, size_t label_size,
                            bool* reachability = nullptr);

}  // namespace leakdbg::tracker
