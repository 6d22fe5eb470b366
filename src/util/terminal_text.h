// Text that came from outside (program arguments, paths, process names, labels) made safe to
// print on a terminal: an escape sequence in a file name must not reach the terminal.
#pragma once

#include <string>
#include <string_view>

namespace leakdbg {

// Control characters (C0, DEL, and the C1 range U+0080..U+009F) and bytes that are not valid
// UTF-8 become "\xNN" (one per byte); everything else, valid multi-byte UTF-8 included, is kept.
std::string escape_control_chars(std::string_view text);

}  // namespace leakdbg
