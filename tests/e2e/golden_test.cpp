// Golden output: `analyze`, `diff` and `stat --by site` over a small checked-in series
// (tests/data/golden/series, hand-made UMDH logs of a service), compared byte for byte with
// tests/data/golden/expected/. A wording change is then a reviewed diff of those files.
// LEAKDBG_UPDATE_GOLDEN=1 (scripts/update-golden.sh) rewrites them instead of comparing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

struct GoldenCase {
  std::string expected;  // file name under tests/data/golden/expected
  std::vector<std::string> args;
};

// Test names and failures show the expected file, not the bytes of the case.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.expected; }

const std::string kSeries = "tests/data/golden/series";
const std::string kGrowth = "tests/data/windows/growth";
const std::string kUmdhDiff = "tests/data/windows/umdh-diff.txt";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Golden : public testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, OutputMatchesTheCheckedInFile) {
  const GoldenCase& c = GetParam();
  // Relative paths, so that the output does not depend on where the tree lives.
  ASSERT_EQ(chdir(LEAKDBG_SOURCE_DIR), 0);
  std::vector<std::string> argv = {e2e::leakdbg()};
  argv.insert(argv.end(), c.args.begin(), c.args.end());
  e2e::Result r = e2e::run(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string path = "tests/data/golden/expected/" + c.expected;
  const char* update = std::getenv("LEAKDBG_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << r.out;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::string expected = read_file(path);
  ASSERT_FALSE(expected.empty()) << path << " is missing; run scripts/update-golden.sh";
  EXPECT_EQ(r.out, expected) << "the output of leakdbg differs from " << path
                             << " (review, then scripts/update-golden.sh)";
}

INSTANTIATE_TEST_SUITE_P(
    Series, Golden,
    testing::Values(
        GoldenCase{"analyze.txt",
                   {"analyze", kSeries + "/01.txt", kSeries + "/02.txt", kSeries + "/03.txt",
                    kSeries + "/04.txt"}},
        GoldenCase{"analyze.json",
                   {"analyze", "--json", kSeries + "/01.txt", kSeries + "/02.txt",
                    kSeries + "/03.txt", kSeries + "/04.txt"}},
        GoldenCase{"diff.txt", {"diff", kSeries + "/01.txt", kSeries + "/04.txt"}},
        GoldenCase{"diff.json", {"diff", "--json", kSeries + "/01.txt", kSeries + "/04.txt"}},
        GoldenCase{"stat-site.txt", {"stat", kSeries + "/04.txt", "--by", "site", "--top", "0"}},
        GoldenCase{"stat-site.json",
                   {"stat", "--json", kSeries + "/04.txt", "--by", "site", "--top", "0"}},
        // Three !heap -s dumps: heap commit growth, a heap that gives memory back.
        GoldenCase{
            "growth-analyze.txt",
            {"analyze", kGrowth + "/dump1.txt", kGrowth + "/dump2.txt", kGrowth + "/dump3.txt"}},
        GoldenCase{"growth-analyze.json",
                   {"analyze", "--json", kGrowth + "/dump1.txt", kGrowth + "/dump2.txt",
                    kGrowth + "/dump3.txt"}},
        GoldenCase{"growth-diff.txt", {"diff", kGrowth + "/dump1.txt", kGrowth + "/dump2.txt"}},
        GoldenCase{"growth-diff-hex.txt",
                   {"diff", "--hex", kGrowth + "/dump1.txt", kGrowth + "/dump2.txt"}},
        GoldenCase{"growth-diff.json",
                   {"diff", "--json", kGrowth + "/dump1.txt", kGrowth + "/dump2.txt"}},
        // A UMDH comparison: two states in one file.
        GoldenCase{"umdh-analyze.txt", {"analyze", kUmdhDiff}},
        GoldenCase{"umdh-analyze.json", {"analyze", "--json", kUmdhDiff}}),
    [](const testing::TestParamInfo<GoldenCase>& param_info) {
      std::string name = param_info.param.expected;
      for (char& ch : name)
        if (ch == '.' || ch == '-') ch = '_';
      return name;
    });

}  // namespace
