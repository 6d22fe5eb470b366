// Splitting text into lines, fields and words, for every reader of /proc files and of
// typed or saved debugger text, so that they agree on what separates one from the next.
#pragma once

#include <string_view>
#include <vector>

namespace leakdbg {

// Splits off the next line, without its '\n' (the last line need not end in one). Nothing
// else is removed: a '\r' before the '\n' stays, for the caller to judge.
std::string_view take_line(std::string_view& rest);

// Splits off the next space-separated field ("" at the end); leading spaces are skipped.
// Tabs are not separators: the kernel pads its /proc columns with spaces only.
std::string_view take_field(std::string_view& rest);

// The runs of non-blank characters of `text`; blanks are space, tab, CR, LF, VT and FF.
std::vector<std::string_view> split_words(std::string_view text);

}  // namespace leakdbg
