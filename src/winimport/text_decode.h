// Saved debugger text as it reaches us: `.logopen /u` and PowerShell's `>` write UTF-16
// with a byte-order mark, editors add a UTF-8 mark, and logs pasted together mix CRLF, LF
// and lone CR line ends. Everything is turned into UTF-8 before any parser sees it.
#pragma once

#include <string>
#include <string_view>

namespace leakdbg::winimport {

// UTF-8 text without a byte-order mark. UTF-16LE/BE are recognized by their mark, or
// without one by NUL bytes in every other position of the first characters. Unpaired
// surrogates become U+FFFD; a trailing odd byte is dropped.
std::string decode_text(std::string_view raw);

}  // namespace leakdbg::winimport
