// `leakdbg top` on prog_grow_rate (private memory growing at a known rate): the CSV's
// samples and rates must show that rate, and top must end by itself when the program exits.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "e2e_util.h"

namespace {

constexpr double kRate = 8.0 * 1024 * 1024;  // bytes per second
constexpr double kSeconds = 4.0;

struct Row {
  double time_s = 0;
  double private_bytes = 0, rss = 0, virtual_bytes = 0, rate_per_min = -1;
};

std::vector<Row> read_csv(const std::string& path, std::string& header) {
  std::ifstream in(path);
  std::getline(in, header);
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    if (cells.size() < 4) {
      ADD_FAILURE() << "short row: " << line;
      continue;
    }
    Row r{std::stod(cells[0]), std::stod(cells[1]), std::stod(cells[2]), std::stod(cells[3])};
    if (cells.size() > 4 && !cells[4].empty()) r.rate_per_min = std::stod(cells[4]);
    rows.push_back(r);
  }
  return rows;
}

double slope(const std::vector<Row>& rows) {
  double mt = 0, mv = 0;
  for (const auto& r : rows) {
    mt += r.time_s;
    mv += r.private_bytes;
  }
  mt /= static_cast<double>(rows.size());
  mv /= static_cast<double>(rows.size());
  double stt = 0, stv = 0;
  for (const auto& r : rows) {
    stt += (r.time_s - mt) * (r.time_s - mt);
    stv += (r.time_s - mt) * (r.private_bytes - mv);
  }
  return stv / stt;
}

TEST(Top, MeasuresAKnownGrowthRateAndEndsWithTheProcess) {
  pid_t prog = fork();
  if (prog == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    std::string bin = e2e::bin("prog_grow_rate");
    std::string rate = std::to_string(static_cast<long>(kRate)), seconds = std::to_string(kSeconds);
    execl(bin.c_str(), bin.c_str(), rate.c_str(), seconds.c_str(), "50",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(prog, 0);
  std::string csv = e2e::scratch_dir("top") + "/samples.csv";
  // The program stays a zombie until reaped below: top must still see that it exited.
  e2e::Result r = e2e::run(
      {e2e::leakdbg(), "top", std::to_string(prog), "--interval", "0.2", "--csv", csv}, {}, 60);
  int status = 0;
  waitpid(prog, &status, 0);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("process " + std::to_string(prog) + " exited"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\033'), std::string::npos)
      << "no cursor control when stdout is not a terminal";
  EXPECT_NE(r.out.find("/min)"), std::string::npos) << r.out;

  std::string header;
  auto rows = read_csv(csv, header);
  EXPECT_EQ(header.rfind("time_s,private_bytes,rss_bytes,virtual_bytes", 0), 0u) << header;
  ASSERT_GE(rows.size(), 12u);
  EXPECT_LE(rows.size(), 26u);
  // Leave out the first and last samples: start-up and the moment of exit.
  std::vector<Row> steady(rows.begin() + 2, rows.end() - 2);
  EXPECT_NEAR(slope(steady), kRate, kRate * 0.2);
  EXPECT_NEAR(rows[rows.size() - 3].rate_per_min, kRate * 60, kRate * 60 * 0.25);
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_GT(rows[i].time_s, rows[i - 1].time_s);
  EXPECT_GE(rows.back().rss, rows.back().private_bytes * 0.9);
  EXPECT_GT(rows.back().virtual_bytes, rows.back().rss);
}

TEST(Top, CountLimitsTheSamplesOnAnyProcess) {
  std::string csv = e2e::scratch_dir("top-count") + "/samples.csv";
  e2e::Result r = e2e::run({e2e::leakdbg(), "top", std::to_string(getpid()), "--interval", "0.1",
                            "--count", "3", "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  std::string header;
  EXPECT_EQ(read_csv(csv, header).size(), 3u);
}

TEST(Top, GoneProcessIsOneClearLine) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  e2e::Result r = e2e::run({e2e::leakdbg(), "top", std::to_string(child), "--count", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err, "leakdbg: process " + std::to_string(child) + ": no such process\n");
}

TEST(Top, BadArgumentsAreOneClearLine) {
  e2e::Result r = e2e::run({e2e::leakdbg(), "top", "12ab"});
  EXPECT_EQ(r.exit_code, 2);  // a usage error
  EXPECT_EQ(r.err, "leakdbg: '12ab' is not a process id (a decimal number such as 4242)\n");
  for (const char* count : {"0x3", "-1", "1.5"}) {
    r = e2e::run({e2e::leakdbg(), "top", std::to_string(getpid()), "--count", count});
    EXPECT_EQ(r.exit_code, 2) << count;
    EXPECT_NE(r.err.find("--count"), std::string::npos) << r.err;
  }
  r = e2e::run({e2e::leakdbg(), "top", std::to_string(getpid()), "--interval", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
