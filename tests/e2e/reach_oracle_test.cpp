// An outside oracle for the reachability classes: valgrind memcheck's leak kinds at exit
// (definitely, indirectly and possibly lost, still reachable) and the exit snapshot's
// classes (unreachable, indirect, possibly, reachable) must agree, in blocks and bytes, on
// the leak shapes of tests/programs/prog_reach_shapes.cpp (a pointer to itself, a cycle, a
// tree, a stale stack slot, pointers only in a register, in TLS, in a global, an interior
// pointer).
//
// Compared: the program's own blocks, told apart by their sizes (48..224, multiples of 16).
// Left out on purpose: the C runtime's blocks (threads' DTVs, which valgrind calls
// possibly lost and the scan knows to be held by their thread's control block; libstdc++'s
// emergency pool, which only the tracker's own libstdc++ allocates here). valgrind runs
// with --run-libc-freeres=no and --run-cxx-freeres=no, so that its exit cleanup frees
// nothing before its check, and with --leak-check-heuristics=none, as the scan has none.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "e2e_util.h"

namespace {

struct Totals {
  uint64_t blocks = 0, bytes = 0;
  bool operator==(const Totals&) const = default;
};
using ByClass = std::map<std::string, Totals>;

const std::set<uint64_t> kProgramSizes = {48,  64,  80,  96,  112, 128, 144, 160,
                                          176, 192, 208, 224, 232, 248, 264, 280};

std::string find_valgrind() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    std::string path = std::string(dir) + "/valgrind";
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

// memcheck's loss records ("==1== 336 (112 direct, 224 indirect) bytes in 1 blocks are
// definitely lost in loss record ..."), the direct part only, by leakdbg's class names.
ByClass valgrind_classes(const std::string& text) {
  static const std::regex record(
      R"(==\d+== ([\d,]+)(?: \(([\d,]+) direct, [\d,]+ indirect\))? bytes in ([\d,]+) blocks are (definitely lost|indirectly lost|possibly lost|still reachable))");
  auto number = [](std::string s) {
    s.erase(std::remove(s.begin(), s.end(), ','), s.end());
    return std::stoull(s);
  };
  const std::map<std::string, std::string> names = {{"definitely lost", "unreachable"},
                                                    {"indirectly lost", "indirect"},
                                                    {"possibly lost", "possibly"},
                                                    {"still reachable", "reachable"}};
  ByClass out;
  for (std::sregex_iterator it(text.begin(), text.end(), record), end; it != end; ++it) {
    const uint64_t bytes = number((*it)[2].matched ? (*it)[2].str() : (*it)[1].str());
    const uint64_t blocks = number((*it)[3].str());
    if (blocks == 0 || bytes % blocks != 0 || !kProgramSizes.count(bytes / blocks)) continue;
    Totals& t = out[names.at((*it)[4].str())];
    t.blocks += blocks;
    t.bytes += bytes;
  }
  return out;
}

ByClass snapshot_classes(const std::string& snapshot) {
  e2e::Result r = e2e::run(
      {e2e::leakdbg(), "blocks", snapshot, "--range", "1", "1024", "--limit", "0", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ByClass out;
  const nlohmann::json listing = e2e::json_of(r);
  for (const auto& block : listing["blocks"]) {
    const uint64_t size = block["size"].get<uint64_t>();
    if (!kProgramSizes.count(size)) continue;
    Totals& t = out[block["class"].get<std::string>()];
    ++t.blocks;
    t.bytes += size;
  }
  return out;
}

// The exit snapshot of prog_reach_shapes run with `args` under the tracker, in `dir`.
std::string exit_snapshot(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> command = {e2e::leakdbg(), "run", "-o",
                                      dir + "/snaps", "--",  e2e::bin("prog_reach_shapes")};
  command.insert(command.end(), args.begin(), args.end());
  e2e::Result r = e2e::run(command);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto files = e2e::files_in(dir + "/snaps");
  return files.empty() ? std::string() : files.back();
}

// memcheck's classes for prog_reach_shapes run with `args` (empty if valgrind is missing).
ByClass memchecks_classes(const std::vector<std::string>& args) {
  std::string valgrind = find_valgrind();
  if (valgrind.empty()) return {};
  std::vector<std::string> command = {valgrind,
                                      "--tool=memcheck",
                                      "--leak-check=full",
                                      "--show-leak-kinds=all",
                                      "--leak-check-heuristics=none",
                                      "--run-libc-freeres=no",
                                      "--run-cxx-freeres=no",
                                      e2e::bin("prog_reach_shapes")};
  command.insert(command.end(), args.begin(), args.end());
  e2e::Result checked = e2e::run(command, {}, 300);
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  ByClass expected = valgrind_classes(checked.err);
  EXPECT_FALSE(expected.empty()) << checked.err;
  return expected;
}

const char* const kClasses[] = {"reachable", "possibly", "indirect", "unreachable"};

class ReachOracle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = e2e::scratch_dir("reach-oracle");
    snapshot_ = exit_snapshot(dir_, {});
    ASSERT_FALSE(snapshot_.empty());
  }
  static std::string dir_, snapshot_;
};
std::string ReachOracle::dir_, ReachOracle::snapshot_;

TEST_F(ReachOracle, ExitSnapshotClassesEqualMemchecksLeakKinds) {
  if (find_valgrind().empty()) GTEST_SKIP() << "valgrind is not installed";
  ByClass expected = memchecks_classes({});
  ByClass seen = snapshot_classes(snapshot_);
  for (const char* name : kClasses) {
    EXPECT_EQ(seen[name].blocks, expected[name].blocks) << name;
    EXPECT_EQ(seen[name].bytes, expected[name].bytes) << name;
  }
}

// The same shapes among tens of thousands of blocks (several spans of the block index, a
// breadth-first level of 60 k blocks, 6 k lost trees, interior-only blocks): the same
// classes as memcheck's, and as the program builds them.
class ReachOracleBulk : public ::testing::Test {
 protected:
  static constexpr uint64_t kBulk = 60000;
  static void SetUpTestSuite() {
    dir_ = e2e::scratch_dir("reach-oracle-bulk");
    snapshot_ = exit_snapshot(dir_, {std::to_string(kBulk)});
    ASSERT_FALSE(snapshot_.empty());
  }
  static std::string dir_, snapshot_;
};
std::string ReachOracleBulk::dir_, ReachOracleBulk::snapshot_;

// Equal, but for one thing: in about one memcheck run in six here, a word that memcheck
// scans as a root (and the program never wrote) points into one of the 6 k lost trees, and
// memcheck counts that tree (a head of 248 bytes, three children of 264) possibly lost. The
// snapshot's counts are the program's own (EachBulkShapeHasItsClass), so up to two whole
// trees may move from lost to possibly; every other figure must be equal.
TEST_F(ReachOracleBulk, ClassesEqualMemchecksLeakKinds) {
  if (find_valgrind().empty()) GTEST_SKIP() << "valgrind is not installed";
  ByClass expected = memchecks_classes({std::to_string(kBulk)});
  ByClass seen = snapshot_classes(snapshot_);
  const uint64_t trees = (expected["possibly"].blocks - seen["possibly"].blocks) / 4;
  EXPECT_LE(trees, 2u);
  ByClass moved = seen;
  moved["possibly"].blocks += trees * 4;
  moved["possibly"].bytes += trees * (248 + 3 * 264);
  moved["unreachable"].blocks -= trees;
  moved["unreachable"].bytes -= trees * 248;
  moved["indirect"].blocks -= trees * 3;
  moved["indirect"].bytes -= trees * 3 * 264;
  for (const char* name : kClasses) {
    EXPECT_EQ(moved[name].blocks, expected[name].blocks) << name << " (" << trees << " moved)";
    EXPECT_EQ(moved[name].bytes, expected[name].bytes) << name << " (" << trees << " moved)";
  }
}

TEST_F(ReachOracleBulk, EachBulkShapeHasItsClass) {
  ByClass seen = snapshot_classes(snapshot_);
  Totals reachable{3 + 2 + 1 + kBulk, 3 * 48 + 160 + 176 + 192 + kBulk * 232};
#if defined(__x86_64__)
  reachable.blocks += 1;
  reachable.bytes += 208;
#endif
  EXPECT_EQ(seen["reachable"], reachable);
  EXPECT_EQ(seen["possibly"], (Totals{1 + kBulk / 100, 144 + kBulk / 100 * 280}));
  EXPECT_EQ(seen["indirect"],
            (Totals{8 + kBulk / 10 * 3, 6 * 96 + 2 * 112 + kBulk / 10 * 3 * 264}));
  EXPECT_EQ(seen["unreachable"],
            (Totals{5 + kBulk / 10, 64 + 80 + 112 + 128 + 224 + kBulk / 10 * 248}));
}

TEST_F(ReachOracle, EachShapeHasTheExpectedClass) {
  // The same, without valgrind: what each shape's comment in the program says.
  ByClass seen = snapshot_classes(snapshot_);
  uint64_t reachable = 3 + 2 + 1;  // chain, TLS (main and worker), stack
#if defined(__x86_64__)
  reachable += 1;  // register
#endif
  EXPECT_EQ(seen["reachable"].blocks, reachable);
  EXPECT_EQ(seen["possibly"], (Totals{1, 144}));
  EXPECT_EQ(seen["indirect"], (Totals{8, 6 * 96 + 2 * 112}));
  EXPECT_EQ(seen["unreachable"], (Totals{5, 64 + 80 + 112 + 128 + 224}));
}

TEST_F(ReachOracle, SummaryAndUnreachableListingAgree) {
  nlohmann::json info = e2e::info(snapshot_);
  ASSERT_TRUE(info["reachability"].is_object()) << info.dump(1);
  EXPECT_EQ(info["reachability"]["status"], "complete");
  e2e::Result r = e2e::run({e2e::leakdbg(), "blocks", snapshot_, "--unreachable", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json listing = e2e::json_of(r);
  EXPECT_EQ(listing["total"], info["reachability"]["unreachable"]["blocks"]);
  EXPECT_EQ(listing["total_bytes"], info["reachability"]["unreachable"]["bytes"]);
  for (const auto& block : listing["blocks"]) EXPECT_EQ(block["class"], "unreachable");
}

TEST_F(ReachOracle, PromptListsLeakedBlocksAndReferences) {
  std::string input = dir_ + "/commands.txt";
  {
    std::ofstream out(input);
    out << "!heap -l\nq\n";
  }
  e2e::Result r = e2e::run_with_input({e2e::leakdbg(), "open", snapshot_}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Five heads, each allocated from its own shape: hex counts as WinDbg prints them.
  EXPECT_NE(r.out.find("5 leaked heap blocks"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("prog_reach_shapes"), std::string::npos) << r.out;
}

TEST_F(ReachOracle, RetainerPathLeadsFromTheGlobalThroughTheChain) {
  e2e::Result r =
      e2e::run({e2e::leakdbg(), "blocks", snapshot_, "--size", "48", "--limit", "0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json listing = e2e::json_of(r);
  ASSERT_EQ(listing["total"], 3);
  // The chain's last block: the one two blocks away from the global.
  size_t longest = 0;
  nlohmann::json deepest;
  for (const auto& block : listing["blocks"]) {
    e2e::Result detail = e2e::run(
        {e2e::leakdbg(), "block", snapshot_, block["address"].get<std::string>(), "--json"});
    ASSERT_EQ(detail.exit_code, 0) << detail.err;
    nlohmann::json d = e2e::json_of(detail);
    EXPECT_EQ(d["class"], "reachable");
    ASSERT_FALSE(d["referrers"].empty()) << d.dump(1);
    if (d["retainer_path"].size() > longest) {
      longest = d["retainer_path"].size();
      deepest = d;
    }
  }
  ASSERT_EQ(longest, 3u) << deepest.dump(1);
  const auto& path = deepest["retainer_path"];
  EXPECT_EQ(path[0]["kind"], "global");
  EXPECT_EQ(path[0]["module"], "prog_reach_shapes");
  EXPECT_NE(path[0]["symbol"].get<std::string>().find("g_chain"), std::string::npos) << path[0];
  EXPECT_EQ(path[1]["kind"], "block");
  EXPECT_EQ(path[1]["offset"], 0);
  EXPECT_EQ(path[2]["kind"], "block");
}

}  // namespace
