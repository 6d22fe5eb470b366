// The bundled demo walked along the reference note's path: its plugin's configuration
// parser keeps every [base] value (47 characters: 48-byte blocks) in a list that only grows,
// and leaks a polymorphic ParseErrorReport per malformed line.
//   summary --base  -> the main heap grew
//   stat --base     -> 48-byte blocks grew the most
//   blocks --size   -> those blocks, with text type hints
//   block ADDR      -> the stack down to ConfigParser::read_defaults, with file and line
//   ln ADDR         -> the same file and line
//   stat --by type  -> the leaked report named by its class
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

class InspectDemo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(e2e::scratch_dir("inspect-demo"));
    run_ =
        new e2e::Result(e2e::run({e2e::leakdbg(), "run", "-o", *dir_, "--interval", "0.5", "--",
                                  e2e::bin("leakdbg-demo"), "--duration", "3", "--rate", "2000"}));
    for (const auto& entry : std::filesystem::directory_iterator(*dir_))
      if (entry.path().extension() == ".ldsnap") snapshots_.push_back(entry.path().string());
    std::sort(snapshots_.begin(), snapshots_.end());
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_EQ(run_->exit_code, 0) << run_->err;
    ASSERT_GE(snapshots_.size(), 3u) << "expected interval snapshots and an exit snapshot";
  }

  static const std::string& base() { return snapshots_.front(); }
  static const std::string& last() { return snapshots_.back(); }

  static nlohmann::json command(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {e2e::leakdbg()};
    argv.insert(argv.end(), args.begin(), args.end());
    e2e::Result r = e2e::run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return e2e::json_of(r);
  }

  // The first 48-byte block with a text hint: one of the kept configuration strings.
  static nlohmann::json kept_string_block() {
    nlohmann::json blocks = command(
        {"blocks", last(), "--size", "48", "--type", "printable", "--limit", "5", "--json"});
    EXPECT_FALSE(blocks["blocks"].empty()) << blocks.dump();
    return blocks["blocks"].empty() ? nlohmann::json{} : blocks["blocks"][0];
  }

  static inline std::string* dir_ = nullptr;
  static inline e2e::Result* run_ = nullptr;
  static inline std::vector<std::string> snapshots_;
};

TEST_F(InspectDemo, SummaryShowsTheMainHeapGrew) {
  nlohmann::json summary = command({"summary", last(), "--base", base(), "--json"});
  std::string grew;
  int64_t most = 0;
  for (const auto& heap : summary["heaps"]) {
    int64_t change = heap["change"]["busy_bytes"].get<int64_t>();
    if (change > most) {
      most = change;
      grew = heap["id"].get<std::string>();
    }
  }
  EXPECT_EQ(grew, "main") << summary.dump(1);
  EXPECT_GT(most, 500 * 1000) << "about 1 MB of kept strings and list nodes expected";
}

TEST_F(InspectDemo, StatBaseShowsTheSizeThatGrew) {
  nlohmann::json stat = command({"stat", last(), "--base", base(), "--json"});
  ASSERT_FALSE(stat["groups"].empty());
  const auto& top = stat["groups"][0];
  EXPECT_EQ(top["size"], 48) << stat.dump(1);
  EXPECT_GT(top["growth_blocks"].get<int64_t>(), 10000);
  EXPECT_EQ(top["growth_bytes"].get<int64_t>(), 48 * top["growth_blocks"].get<int64_t>());
}

TEST_F(InspectDemo, BlocksListsTheGrowingSizeWithHints) {
  nlohmann::json blocks = command({"blocks", last(), "--size", "48", "--json"});
  EXPECT_GT(blocks["total"].get<uint64_t>(), 10000u);
  ASSERT_EQ(blocks["blocks"].size(), 50u);
  size_t hinted = 0;
  for (const auto& block : blocks["blocks"]) {
    EXPECT_EQ(block["size"], 48);
    EXPECT_EQ(block["address"].get<std::string>().rfind("0x", 0), 0u);
    if (block["type"].get<std::string>().rfind("printable \"", 0) == 0) ++hinted;
  }
  EXPECT_GT(hinted, 0u) << blocks.dump(1);
}

TEST_F(InspectDemo, BlockShowsTheStackDownToTheParser) {
  nlohmann::json listed = kept_string_block();
  ASSERT_TRUE(listed.contains("address"));
  nlohmann::json block = command({"block", last(), listed["address"].get<std::string>(), "--json"});
  EXPECT_EQ(block["address"], listed["address"]);
  EXPECT_EQ(block["size"], 48);
  EXPECT_NE(block["type"].get<std::string>().find("https://config"), std::string::npos)
      << block.dump(1);
  const auto& frames = block["frames"];
  ptrdiff_t parser = -1, runtime = -1;
  for (size_t i = 0; i < frames.size(); ++i) {
    std::string function = frames[i]["function"];
    // The tracker's own operator new is removed from stacks, so the innermost kept frames
    // are the standard library's allocator internals (inlined into the plugin).
    if (runtime < 0 &&
        (function.find("operator new") != std::string::npos || function.rfind("std::", 0) == 0))
      runtime = static_cast<ptrdiff_t>(i);
    if (parser < 0 && function.find("ConfigParser::read_defaults") != std::string::npos)
      parser = static_cast<ptrdiff_t>(i);
  }
  ASSERT_GE(parser, 0) << frames.dump(1);
  EXPECT_GE(runtime, 0) << "runtime frames are kept: " << frames.dump(1);
  EXPECT_LT(runtime, parser) << "innermost first";
  const auto& frame = frames[static_cast<size_t>(parser)];
  EXPECT_NE(frame["file"].get<std::string>().find("config_parser.cpp"), std::string::npos)
      << frame.dump();
  EXPECT_GT(frame["line"].get<int>(), 0);
  EXPECT_NE(frame["module"].get<std::string>().find("libdemo_plugin.so"), std::string::npos)
      << frame.dump();

  // `ln` on that frame's address resolves the same source line.
  nlohmann::json ln = command({"ln", last(), frame["address"].get<std::string>(), "--json"});
  bool same_line = false;
  for (const auto& f : ln["frames"])
    same_line |= f["file"] == frame["file"] && f["line"] == frame["line"];
  EXPECT_TRUE(same_line) << "block: " << frame.dump() << "\nln: " << ln.dump(1);
  e2e::Result text = e2e::run({e2e::leakdbg(), "ln", last(), frame["address"].get<std::string>()});
  EXPECT_NE(text.out.find("read_defaults"), std::string::npos) << text.out;

  // The address typed as WinDbg users do, bare hex or 0n decimal, is the same address.
  std::string hex = frame["address"].get<std::string>();
  ASSERT_EQ(hex.rfind("0x", 0), 0u) << hex;
  uint64_t value = std::stoull(hex.substr(2), nullptr, 16);
  for (const std::string& typed : {hex.substr(2), "0n" + std::to_string(value)}) {
    nlohmann::json again = command({"ln", last(), typed, "--json"});
    EXPECT_EQ(again["address"], ln["address"]) << typed;
    EXPECT_EQ(again["frames"], ln["frames"]) << typed;
  }
}

TEST_F(InspectDemo, LeakedPolymorphicObjectIsNamedByItsClass) {
  nlohmann::json types = command({"stat", last(), "--by", "type", "--top", "0", "--json"});
  bool found = false;
  for (const auto& group : types["groups"]) {
    if (group["type"].get<std::string>().find("ParseErrorReport") == std::string::npos) continue;
    found = true;
    EXPECT_EQ(group["size"], 72) << group.dump();
    EXPECT_GE(group["blocks"].get<uint64_t>(), 10u) << group.dump();
  }
  EXPECT_TRUE(found) << types.dump(1);
  nlohmann::json blocks =
      command({"blocks", last(), "--size", "72", "--type", "ParseErrorReport", "--json"});
  EXPECT_GE(blocks["total"].get<uint64_t>(), 10u);
}

}  // namespace
