// The inspection commands as users run them: snapshots written from hand-built models, the
// leakdbg executable run on them, JSON fields, text and exit codes checked.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e_util.h"
#include "format/model_encoder.h"
#include "format/records.h"
#include "inspect_models.h"

namespace {

using namespace inspect_test;
namespace fs = std::filesystem;

// ctest runs the tests of this file as parallel processes: e2e::scratch_dir gives each its
// own folder, emptied once per process.
const std::string& scratch_dir() {
  static const std::string dir = e2e::scratch_dir("inspect-cli");
  return dir;
}

// The arguments as typed after `leakdbg`, split at spaces: none of them needs quoting.
e2e::Result leakdbg(const std::string& args) {
  std::vector<std::string> argv = {e2e::leakdbg()};
  std::istringstream words(args);
  for (std::string word; words >> word;) argv.push_back(word);
  return e2e::run(argv);
}

class InspectCli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(scratch_dir());
    base_ = write(build(10), "base.ldsnap");
    snap_ = write(build(40), "snap.ldsnap");
  }

  // `leaks` 48-byte text blocks in main, two 4 KiB blocks in arena1, one mmapped chunk.
  static HeapModel build(int leaks) {
    HeapModel model = glibc_model();
    model.pid = 4242;
    model.format_version = leakdbg::fmt::kFormatVersion;
    uint32_t stack =
        add_stack(model, {frame("", "", "", 0, 0x401000), frame("", "", "", 0, 0x401200)});
    for (int i = 0; i < leaks; ++i)
      add_block(model, {.address = 0x100000 + 0x40 * static_cast<uint64_t>(i),
                        .size = 48,
                        .usable = 56,
                        .stack = stack,
                        .content = "server.base_url=",
                        .tick = 5000});
    add_block(model, {.address = 0x7f00bb001000, .size = 4096, .stack = stack, .arena = 1});
    add_block(model, {.address = 0x7f00bb003000, .size = 4096, .stack = stack, .arena = 1});
    add_block(model, {.address = 0x7f00cc000010, .size = 200000, .stack = stack, .mmapped = true});
    finish(model);
    return model;
  }

  static std::string write(const HeapModel& model, const std::string& name) {
    std::string path = scratch_dir() + "/" + name;
    leakdbg::fmt::write_snapshot(model, path);
    return path;
  }

  static void expect_one_line_error(const e2e::Result& run, const std::string& needle) {
    EXPECT_NE(run.exit_code, 0);
    EXPECT_TRUE(run.out.empty()) << run.out;
    EXPECT_EQ(run.err.rfind("leakdbg: ", 0), 0u) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_NE(run.err.find(needle), std::string::npos) << run.err;
  }

  std::string base_, snap_;
};

TEST_F(InspectCli, SummaryShowsTheHeapThatGrew) {
  e2e::Result run = leakdbg("summary " + snap_ + " --base " + base_ + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = e2e::json_of(run);
  ASSERT_TRUE(j["heaps"].is_array());
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& heap : j["heaps"]) by_id[heap["id"]] = heap;
  ASSERT_TRUE(by_id.count("main") && by_id.count("arena1") && by_id.count("mmap-chunks"))
      << j.dump();
  EXPECT_EQ(by_id["main"]["busy_blocks"], 40);
  EXPECT_EQ(by_id["main"]["change"]["busy_bytes"], 30 * 48);
  EXPECT_EQ(by_id["arena1"]["change"]["busy_bytes"], 0);
  EXPECT_EQ(by_id["main"]["alias"], "0x7f00aa000000");

  e2e::Result text = leakdbg("summary " + snap_ + " --base " + base_);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("+1.4 KiB"), std::string::npos) << text.out;
}

TEST_F(InspectCli, StatGroupsBySizeAndSortsByGrowth) {
  e2e::Result run = leakdbg("stat " + snap_ + " --base " + base_ + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = e2e::json_of(run);
  const auto& first = j["groups"][0];
  EXPECT_EQ(first["size"], 48);
  EXPECT_EQ(first["blocks"], 40);
  EXPECT_EQ(first["total"], 40 * 48);
  EXPECT_EQ(first["growth_blocks"], 30);
  EXPECT_TRUE(first["percent"].is_number());

  e2e::Result plain = leakdbg("stat " + snap_ + " --json --top 1");
  nlohmann::json p = e2e::json_of(plain);
  ASSERT_EQ(p["groups"].size(), 1u);
  EXPECT_EQ(p["groups"][0]["size"], 200000);  // largest total without a base
  EXPECT_EQ(p["groups_total"], 3);

  e2e::Result hex = leakdbg("stat " + snap_ + " --hex --heap main");
  ASSERT_EQ(hex.exit_code, 0) << hex.err;
  EXPECT_NE(hex.out.find("\n  30      28"), std::string::npos)
      << hex.out;  // size 0x30, 0x28 blocks
}

TEST_F(InspectCli, BlocksListsOneSizeWithHints) {
  e2e::Result run = leakdbg("blocks " + snap_ + " --size 48 --limit 5 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = e2e::json_of(run);
  EXPECT_EQ(j["total"], 40);
  ASSERT_EQ(j["blocks"].size(), 5u);
  EXPECT_EQ(j["blocks"][0]["address"], "0x100000");
  EXPECT_EQ(j["blocks"][0]["size"], 48);
  EXPECT_EQ(j["blocks"][0]["usable"], 56);
  EXPECT_EQ(j["blocks"][0]["type"], "printable \"server.base_url=\"");

  e2e::Result range = leakdbg("blocks " + snap_ + " --range 0x30 4096");
  ASSERT_EQ(range.exit_code, 0) << range.err;
  EXPECT_NE(range.out.find("40 blocks"), std::string::npos) << range.out;  // 4096 excluded
}

TEST_F(InspectCli, BlockFindsInteriorPointersAndNamesNeighbours) {
  e2e::Result run = leakdbg("block " + snap_ + " 0x100048 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = e2e::json_of(run);
  EXPECT_EQ(j["address"], "0x100040");
  EXPECT_EQ(j["offset"], 8);
  EXPECT_EQ(j["size"], 48);
  EXPECT_EQ(j["type"], "printable \"server.base_url=\"");
  EXPECT_EQ(j["frames"].size(), 2u);
  EXPECT_EQ(j["chunk"]["size"], 64);

  // Bare digits are hex, as WinDbg reads them; 0n marks decimal (0x100048 = 0n1048648).
  e2e::Result text = leakdbg("block " + snap_ + " 100048");
  EXPECT_NE(text.out.find("|server.base_url=|"), std::string::npos) << text.out;
  e2e::Result decimal = leakdbg("block " + snap_ + " 0n1048648 --json");
  ASSERT_EQ(decimal.exit_code, 0) << decimal.err;
  EXPECT_EQ(e2e::json_of(decimal)["address"], "0x100040");

  e2e::Result missing = leakdbg("block " + snap_ + " 0x90 --json");
  EXPECT_EQ(missing.exit_code, 1);
  nlohmann::json m = e2e::json_of(missing);
  EXPECT_EQ(m["found"], false);
  EXPECT_EQ(m["nearest_above"]["address"], "0x100000");
}

TEST_F(InspectCli, BadInputGetsOneLine) {
  expect_one_line_error(leakdbg("stat " + snap_ + " --heap arena9"), "unknown heap 'arena9'");
  expect_one_line_error(leakdbg("stat " + snap_ + " --by colour"), "unknown grouping 'colour'");
  expect_one_line_error(leakdbg("blocks " + snap_ + " --size 4x"), "not a whole number of bytes");
  expect_one_line_error(leakdbg("blocks " + snap_ + " --range 64 48"), "empty size range");
  // A malformed address is a usage error (2), apart from `block`'s "in no block" (1).
  for (const char* command : {"block ", "ln "})
    for (const char* address : {" 0xzz", " 0n1f", " 12g"}) {
      e2e::Result run = leakdbg(command + snap_ + address);
      expect_one_line_error(run, "is not an address (hex by default");
      EXPECT_EQ(run.exit_code, 2) << command << address;
    }
  expect_one_line_error(leakdbg("summary " + scratch_dir() + "/missing.ldsnap"), "missing.ldsnap");

  // A snapshot written by a newer leakdbg.
  std::string newer = scratch_dir() + "/newer.ldsnap";
  {
    std::ofstream out(newer, std::ios::binary);
    leakdbg::fmt::FileHeader header{};
    std::memcpy(header.magic, leakdbg::fmt::kMagic, sizeof header.magic);
    header.version = leakdbg::fmt::kFormatVersion + 1;
    header.header_size = sizeof header;
    out.write(reinterpret_cast<const char*>(&header), sizeof header);
  }
  for (const char* command : {"summary ", "stat ", "block "}) {
    e2e::Result run = leakdbg(command + newer + (std::string(command) == "block " ? " 0x10" : ""));
    EXPECT_NE(run.exit_code, 0);
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

}  // namespace
