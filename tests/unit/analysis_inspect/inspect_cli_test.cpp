// The inspection commands as users run them: snapshots written from hand-built models, the
// leakdbg executable run on them, JSON fields, text and exit codes checked.
#include <gtest/gtest.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "format/model_encoder.h"
#include "format/records.h"
#include "inspect_models.h"

namespace {

using namespace inspect_test;
namespace fs = std::filesystem;
// ctest runs the tests of this file as parallel processes: each needs its own folder.
std::string scratch_dir() { return std::string(INSPECT_SCRATCH) + "/" + std::to_string(getpid()); }


struct CliRun {
  int exit_code = -1;
  std::string out, err;
  nlohmann::json json() const {
    try {
      return nlohmann::json::parse(out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << out << "\nstderr: " << err;
      return {};
    }
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

CliRun leakdbg(const std::string& args) {
  std::string err_path = scratch_dir() + "/stderr.txt";
  std::string command = std::string("'") + LEAKDBG_EXE + "' " + args + " 2>'" + err_path + "'";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = slurp(err_path);
  return run;
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

  static void expect_one_line_error(const CliRun& run, const std::string& needle) {
    EXPECT_NE(run.exit_code, 0);
    EXPECT_TRUE(run.out.empty()) << run.out;
    EXPECT_EQ(run.err.rfind("leakdbg: ", 0), 0u) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_NE(run.err.find(needle), std::string::npos) << run.err;
  }

  std::string base_, snap_;
};

TEST_F(InspectCli, SummaryShowsTheHeapThatGrew) {
  CliRun run = leakdbg("summary " + snap_ + " --base " + base_ + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = run.json();
  ASSERT_TRUE(j["heaps"].is_array());
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& heap : j["heaps"]) by_id[heap["id"]] = heap;
  ASSERT_TRUE(by_id.count("main") && by_id.count("arena1") && by_id.count("mmap-chunks"))
      << j.dump();
  EXPECT_EQ(by_id["main"]["busy_blocks"], 40);
  EXPECT_EQ(by_id["main"]["change"]["busy_bytes"], 30 * 48);
  EXPECT_EQ(by_id["arena1"]["change"]["busy_bytes"], 0);
  EXPECT_EQ(by_id["main"]["alias"], "0x7f00aa000000");

  CliRun text = leakdbg("summary " + snap_ + " --base " + base_);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("+1.4 KiB"), std::string::npos) << text.out;
}

TEST_F(InspectCli, StatGroupsBySizeAndSortsByGrowth) {
  CliRun run = leakdbg("stat " + snap_ + " --base " + base_ + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = run.json();
  const auto& first = j["groups"][0];
  EXPECT_EQ(first["size"], 48);
  EXPECT_EQ(first["blocks"], 40);
  EXPECT_EQ(first["total"], 40 * 48);
  EXPECT_EQ(first["growth_blocks"], 30);
  EXPECT_TRUE(first["percent"].is_number());

  CliRun plain = leakdbg("stat " + snap_ + " --json --top 1");
  nlohmann::json p = plain.json();
  ASSERT_EQ(p["groups"].size(), 1u);
  EXPECT_EQ(p["groups"][0]["size"], 200000);  // largest total without a base
  EXPECT_EQ(p["groups_total"], 3);

  CliRun hex = leakdbg("stat " + snap_ + " --hex --heap main");
  ASSERT_EQ(hex.exit_code, 0) << hex.err;
  EXPECT_NE(hex.out.find("\n  30      28"), std::string::npos)
      << hex.out;  // size 0x30, 0x28 blocks
}

TEST_F(InspectCli, BlocksListsOneSizeWithHints) {
  CliRun run = leakdbg("blocks " + snap_ + " --size 48 --limit 5 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = run.json();
  EXPECT_EQ(j["total"], 40);
  ASSERT_EQ(j["blocks"].size(), 5u);
  EXPECT_EQ(j["blocks"][0]["address"], "0x100000");
  EXPECT_EQ(j["blocks"][0]["size"], 48);
  EXPECT_EQ(j["blocks"][0]["usable"], 56);
  EXPECT_EQ(j["blocks"][0]["type"], "printable \"server.base_url=\"");

  CliRun range = leakdbg("blocks " + snap_ + " --range 0x30 4096");
  ASSERT_EQ(range.exit_code, 0) << range.err;
  EXPECT_NE(range.out.find("40 blocks"), std::string::npos) << range.out;  // 4096 excluded
}

TEST_F(InspectCli, BlockFindsInteriorPointersAndNamesNeighbours) {
  CliRun run = leakdbg("block " + snap_ + " 0x100048 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json j = run.json();
  EXPECT_EQ(j["address"], "0x100040");
  EXPECT_EQ(j["offset"], 8);
  EXPECT_EQ(j["size"], 48);
  EXPECT_EQ(j["type"], "printable \"server.base_url=\"");
  EXPECT_EQ(j["frames"].size(), 2u);
  EXPECT_EQ(j["chunk"]["size"], 64);

  CliRun text = leakdbg("block " + snap_ + " 100048");
  EXPECT_NE(text.out.find("|server.base_url=|"), std::string::npos) << text.out;

  CliRun missing = leakdbg("block " + snap_ + " 0x90 --json");
  EXPECT_EQ(missing.exit_code, 1);
  nlohmann::json m = missing.json();
  EXPECT_EQ(m["found"], false);
  EXPECT_EQ(m["nearest_above"]["address"], "0x100000");
}

TEST_F(InspectCli, BadInputGetsOneLine) {
  expect_one_line_error(leakdbg("stat " + snap_ + " --heap arena9"), "unknown heap 'arena9'");
  expect_one_line_error(leakdbg("stat " + snap_ + " --by colour"), "unknown grouping 'colour'");
  expect_one_line_error(leakdbg("blocks " + snap_ + " --size 4x"), "not a size");
  expect_one_line_error(leakdbg("blocks " + snap_ + " --range 64 48"), "empty size range");
  expect_one_line_error(leakdbg("block " + snap_ + " 0xzz"), "not an address");
  expect_one_line_error(leakdbg("summary " + scratch_dir() + "/missing.ldsnap"),
                        "missing.ldsnap");

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
    CliRun run = leakdbg(command + newer + (std::string(command) == "block " ? " 0x10" : ""));
    EXPECT_NE(run.exit_code, 0);
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

}  // namespace
