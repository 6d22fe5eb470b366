// The commands' option interface over CLI11: every setter reaches the parser.
#include "cli/command_options.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace leakdbg::cli {
namespace {

// Parses `args` (without the program name); the parser's message, or "" when it accepted them.
std::string parse(CLI::App& app, std::vector<std::string> args) {
  std::vector<const char*> argv{"test"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.what();
  }
  return "";
}

TEST(CommandOptions, ValuesOfEveryKindArriveWhereTheyWereDeclared) {
  CLI::App app;
  CommandOptions options(app);
  std::string name;
  std::vector<std::string> rest;
  std::pair<std::string, std::string> range;
  size_t count = 0;
  bool flag = false;
  std::vector<std::string> seen;
  options.add_option("--name", name, "");
  options.add_option("--range", range, "");
  options.add_option("--count", count, "");
  options.add_flag("--flag", flag, "");
  options
      .add_option_function(
          "--each", [&seen](const std::string& value) { seen.push_back(value); }, "")
      ->take_all()
      ->trigger_on_parse();
  options.add_option("REST", rest, "");
  EXPECT_EQ(parse(app, {"--name", "a", "--range", "1", "2", "--count", "7", "--flag", "--each", "x",
                        "--each", "y", "p", "q"}),
            "");
  EXPECT_EQ(name, "a");
  EXPECT_EQ(range, (std::pair<std::string, std::string>{"1", "2"}));
  EXPECT_EQ(count, 7u);
  EXPECT_TRUE(flag);
  EXPECT_EQ(seen, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(rest, (std::vector<std::string>{"p", "q"}));
}

TEST(CommandOptions, RequiredPositionalMustBeGiven) {
  CLI::App app;
  CommandOptions options(app);
  std::string file;
  options.add_option("FILE", file, "")->required();
  EXPECT_NE(parse(app, {}), "");
}

TEST(CommandOptions, OneOfRefusesOtherValues) {
  CLI::App app;
  CommandOptions options(app);
  std::string mode;
  options.add_option("--mode", mode, "")->one_of({"stop", "continue"});
  EXPECT_NE(parse(app, {"--mode", "pause"}).find("pause"), std::string::npos);
  EXPECT_EQ(parse(app, {"--mode", "stop"}), "");
  EXPECT_EQ(mode, "stop");
}

TEST(CommandOptions, ExcludedOptionsCannotBeGivenTogether) {
  CLI::App app;
  CommandOptions options(app);
  std::string a, b;
  Option* first = options.add_option("--a", a, "");
  Option* second = options.add_option("--b", b, "");
  first->excludes(second);
  EXPECT_NE(parse(app, {"--a", "1", "--b", "2"}), "");
}

TEST(CommandOptions, CheckReportsTheProblemItReturns) {
  CLI::App app;
  CommandOptions options(app);
  std::string value;
  options.add_option("--even", value, "")
      ->check([](const std::string& text) { return text == "2" ? "" : text + " is odd"; }, "N");
  EXPECT_NE(parse(app, {"--even", "3"}).find("3 is odd"), std::string::npos);
  EXPECT_EQ(parse(app, {"--even", "2"}), "");
}

TEST(CommandOptions, ExpectedBoundsThePositionalValues) {
  CLI::App app;
  CommandOptions options(app);
  std::vector<std::string> inputs;
  options.add_option("INPUTS", inputs, "")->required()->expected(1, 2);
  EXPECT_NE(parse(app, {"a", "b", "c"}), "");
}

}  // namespace
}  // namespace leakdbg::cli
