#include "util/terminal_text.h"

#include <gtest/gtest.h>

namespace leakdbg {
namespace {

TEST(TerminalText, KeepsPrintableAndUtf8) {
  EXPECT_EQ(escape_control_chars("/tmp/a b/prog --x=1"), "/tmp/a b/prog --x=1");
  EXPECT_EQ(escape_control_chars("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
}

TEST(TerminalText, EscapesControlCharacters) {
  EXPECT_EQ(escape_control_chars("a\033[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(escape_control_chars("line\nnext\t\x7f"), "line\\x0anext\\x09\\x7f");
  EXPECT_EQ(escape_control_chars("\xc2\x9b"
                                 "31m"),
            "\\xc2\\x9b31m");  // C1 CSI
}

TEST(TerminalText, EscapesInvalidUtf8ByteByByte) {
  EXPECT_EQ(escape_control_chars("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(escape_control_chars("\xc3"), "\\xc3");                    // truncated
  EXPECT_EQ(escape_control_chars("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(escape_control_chars("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

}  // namespace
}  // namespace leakdbg
