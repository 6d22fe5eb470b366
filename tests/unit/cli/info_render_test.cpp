// A snapshot's arguments and paths come from the tracked program: neither control characters
// nor invalid UTF-8 in them may reach the terminal or break the JSON output.
#include "cli/info_render.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/json_output.h"

namespace leakdbg::cli {
namespace {

HeapModel hostile_model() {
  HeapModel m;
  m.source_path = "/tmp/snap\033[2J.ldsnap";
  m.executable = "/tmp/prog";
  m.argv = {"/tmp/prog", "--name=\033]0;pwned\a", "caf\xe9-latin1"};
  m.cwd =
      "/home/u/\x9b"
      "31m";
  m.label = "line1\nline2";
  return m;
}

TEST(InfoRender, TextEscapesControlCharacters) {
  HeapModel m = hostile_model();
  std::string text = info_text(m, compute_totals(m));
  EXPECT_EQ(text.find('\033'), std::string::npos) << text;
  EXPECT_EQ(text.find('\a'), std::string::npos);
  EXPECT_EQ(text.find('\x9b'), std::string::npos);
  EXPECT_NE(text.find("--name=\\x1b]0;pwned\\x07"), std::string::npos) << text;
  EXPECT_NE(text.find("label \"line1\\x0aline2\""), std::string::npos) << text;
}

TEST(InfoRender, JsonOfInvalidUtf8IsReplacedNotAnError) {
  HeapModel m = hostile_model();
  std::ostringstream out;
  ASSERT_NO_THROW(print_json(out, info_json(m, compute_totals(m))));
  auto parsed = nlohmann::json::parse(out.str());                          // valid UTF-8 again
  EXPECT_NE(out.str().find("caf\xef\xbf\xbd-latin1"), std::string::npos);  // U+FFFD
  EXPECT_TRUE(parsed.is_object());
}

}  // namespace
}  // namespace leakdbg::cli
