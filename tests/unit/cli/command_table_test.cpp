#include "cli/command_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cli/command.h"

namespace leakdbg::cli {
namespace {

TEST(CommandTable, EveryRegisteredCommandIsListedOnceInTableOrder) {
  auto commands = registered_commands();  // throws if a command is missing from the table
  auto table = command_table();
  ASSERT_EQ(commands.size(), table.size()) << "a table row has no registered command";
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(commands[i].name, table[i].name);
    EXPECT_EQ(commands[i].help, table[i].help);
    EXPECT_TRUE(commands[i].setup);
  }
}

TEST(CommandTable, NamesAreUniqueAndHelpIsOneLine) {
  std::set<std::string_view> names;
  for (const CommandInfo& c : command_table()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_FALSE(c.help.empty()) << c.name;
    EXPECT_EQ(c.help.find('\n'), std::string_view::npos) << c.name;
  }
}

TEST(CommandTable, RecordingComesBeforeInspection) {
  auto position = [](std::string_view name) {
    const CommandInfo* row = find_command(name);
    EXPECT_NE(row, nullptr) << name;
    return row - command_table().data();
  };
  EXPECT_LT(position("run"), position("snap"));
  EXPECT_LT(position("snap"), position("info"));
  EXPECT_LT(position("info"), position("diff"));
  EXPECT_EQ(find_command("bogus"), nullptr);
}

TEST(CommandTable, NamesListsEveryCommand) {
  std::string names = command_names();
  for (const CommandInfo& c : command_table())
    EXPECT_NE(names.find(std::string(c.name)), std::string::npos) << c.name;
  EXPECT_EQ(names.rfind("run, ", 0), 0u);
}

}  // namespace
}  // namespace leakdbg::cli
