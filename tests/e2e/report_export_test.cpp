// `leakdbg report` and `leakdbg export` on the leak programs, checked by the tools that
// read their output: headless Chromium (Debian's chromium) loads each HTML report with no
// console message, draws its charts and flame graphs and names the rank-1 site; `go tool
// pprof` (Debian's golang-go) reads each pprof export and puts the leak site first, alone
// and as a -base diff. A screenshot of each page is kept in the build tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;

struct LeakProgram {
  std::string name;               // the test's name
  std::vector<std::string> argv;  // program and arguments
  std::string function;           // the leak site's function
};

void PrintTo(const LeakProgram& program, std::ostream* out) { *out << program.name; }

// The full path of a program on $PATH (e2e::run executes paths, it does not search); the
// name itself if it is not found, so that the run fails and names it.
std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
  ADD_FAILURE() << name << " is not installed (scripts/install-deps.sh installs it)";
  return name;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The interval snapshots of a run, in order (the exit snapshot left out: a diff between
// two points of the running program is what a fleet would look at).
std::vector<std::string> interval_snapshots(const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& file : e2e::files_in(dir))
    if (file.find("interval") != std::string::npos && file.ends_with(".ldsnap"))
      out.push_back(file);
  return out;
}

// The first row of `go tool pprof -top`'s table: the entry with the most flat bytes.
std::string first_top_entry(const std::string& output) {
  std::istringstream in(output);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (line.find("flat%") != std::string::npos) {
      table = true;
      continue;
    }
    if (table && !line.empty()) return line;
  }
  return "";
}

// Whether `needle` occurs after `start` and before the next `end` (plain searches: the DOM
// is large for a regular expression).
bool holds(const std::string& text, const std::string& start, const std::string& end,
           const std::string& needle) {
  size_t from = text.find(start);
  if (from == std::string::npos) return false;
  size_t to = text.find(end, from);
  size_t at = text.find(needle, from);
  return at != std::string::npos && (to == std::string::npos || at < to);
}

// "[heap];frame;frame 123": a collapsed-stack line with a positive count.
bool collapsed_line(const std::string& line) {
  size_t space = line.rfind(' ');
  if (space == std::string::npos || space + 1 == line.size()) return false;
  std::string count = line.substr(space + 1);
  if (count.find_first_not_of("0123456789") != std::string::npos || count[0] == '0') return false;
  return (line.starts_with("[heap];") || line.starts_with("[mmap];")) && space > 7;
}

e2e::Result go_pprof(const std::vector<std::string>& args, const std::string& scratch) {
  std::vector<std::string> argv{on_path("go"), "tool", "pprof"};
  argv.insert(argv.end(), args.begin(), args.end());
  // pprof keeps fetched profiles under $PPROF_TMPDIR; nothing is fetched here, but it must
  // not write outside the scratch folder either.
  return e2e::run(argv, {"PPROF_TMPDIR=" + scratch, "HOME=" + scratch}, 60);
}

class LeakReports : public testing::TestWithParam<LeakProgram> {
 protected:
  void SetUp() override {
    const LeakProgram& p = GetParam();
    dir_ = e2e::scratch_dir("report-" + p.name);
    html_ = dir_ + "/leak-report.html";
    std::vector<std::string> argv{e2e::leakdbg(),  "run",        "-o",
                                  dir_ + "/snaps", "--interval", "0.25",
                                  "--report-html", html_,        "--"};
    argv.insert(argv.end(), p.argv.begin(), p.argv.end());
    e2e::Result r = e2e::run(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    snaps_ = interval_snapshots(dir_ + "/snaps");
    ASSERT_GE(snaps_.size(), 3u) << "too few snapshots";
  }
  std::string dir_, html_;
  std::vector<std::string> snaps_;
};

TEST_P(LeakReports, ChromiumDrawsThePageAndNamesTheSite) {
  ASSERT_TRUE(fs::exists(html_)) << "run --report-html wrote nothing";
  std::string page = read_file(html_);
  EXPECT_LT(page.size(), 5u << 20);
  e2e::Result analysis = e2e::run({e2e::leakdbg(), "analyze", "--json", dir_ + "/snaps"});
  ASSERT_EQ(analysis.exit_code, 0) << analysis.err;
  nlohmann::json report = e2e::json_of(analysis);
  std::string top_function = report["suspects"][0]["site"]["function"];
  EXPECT_NE(top_function.find(GetParam().function), std::string::npos) << top_function;

  std::string screenshot = fs::path(e2e::scratch_dir("report-screenshots")).parent_path() /
                           ("report-" + GetParam().name + ".png");
  fs::remove(screenshot);
  // A profile folder of its own: a shared one would make parallel tests wait on its lock.
  e2e::Result r = e2e::run(
      {on_path("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
       "--user-data-dir=" + dir_ + "/chromium-profile", "--enable-logging=stderr", "--v=0",
       "--window-size=1280,2600", "--virtual-time-budget=5000", "--screenshot=" + screenshot,
       "--dump-dom", "file://" + html_},
      {}, 90);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& dom = r.out;
  // Console messages (errors, uncaught exceptions) come to stderr as "CONSOLE" lines; the
  // page writes none.
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);)
    EXPECT_EQ(line.find(":CONSOLE"), std::string::npos) << line;
  EXPECT_NE(dom.find("data-rendered=\"yes\""), std::string::npos) << "the script did not finish";
  // The charts: lines in the memory charts and the suspects' charts, and the flame graphs'
  // rectangles, each inside its own part of the page.
  EXPECT_TRUE(holds(dom, "<section id=\"memory\">", "</section>", "<polyline"))
      << "no memory chart";
  EXPECT_TRUE(holds(dom, "id=\"suspect-1\"", "</section>", "<polyline"))
      << "no chart of the rank-1 suspect";
  EXPECT_TRUE(holds(dom, "<div id=\"flame-live\">", "id=\"flame-growth\"", "<rect"))
      << "no live flame graph";
  EXPECT_TRUE(holds(dom, "<div id=\"flame-growth\">", "</section>", "<rect"))
      << "no growth flame graph";
  EXPECT_NE(dom.find("id=\"suspect-1\""), std::string::npos);
  // The rank-1 site's name is on the page as text (not only inside the data).
  size_t data_at = dom.find("id=\"leakdbg-data\"");
  std::string drawn = dom.substr(0, data_at);
  EXPECT_NE(drawn.find(GetParam().function), std::string::npos);
  EXPECT_TRUE(fs::exists(screenshot) && fs::file_size(screenshot) > 10000) << screenshot;
}

TEST_P(LeakReports, PprofReadsTheExportsWithTheLeakFirst) {
  std::string scratch = dir_ + "/pprof";
  fs::create_directories(scratch);
  std::string first = dir_ + "/first.pb.gz", last = dir_ + "/last.pb.gz",
              growth = dir_ + "/growth.pb.gz", folded = dir_ + "/last.folded";
  for (auto [snap, out] : {std::pair{snaps_.front(), first}, std::pair{snaps_.back(), last}}) {
    e2e::Result r = e2e::run({e2e::leakdbg(), "export", snap, "--format", "pprof", "-o", out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  e2e::Result r = e2e::run({e2e::leakdbg(), "export", snaps_.back(), "--base", snaps_.front(),
                            "--format", "pprof", "-o", growth});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const std::string& function = GetParam().function;
  // The last snapshot alone, the two as a pprof -base diff, and the export's own growth.
  for (const auto& args : {std::vector<std::string>{"-top", last},
                           std::vector<std::string>{"-top", "-base", first, last},
                           std::vector<std::string>{"-top", growth}}) {
    e2e::Result top = go_pprof(args, scratch);
    ASSERT_EQ(top.exit_code, 0) << top.err;
    std::string entry = first_top_entry(top.out);
    EXPECT_NE(entry.find(function), std::string::npos) << args.back() << ":\n" << top.out;
    size_t value = entry.find_first_not_of(' ');
    EXPECT_TRUE(value != std::string::npos && entry[value] != '-')
        << "the leak must show as growth, not as a decrease: " << entry;
  }
  e2e::Result types = go_pprof({"-raw", last}, scratch);
  ASSERT_EQ(types.exit_code, 0) << types.err;
  EXPECT_NE(types.out.find("inuse_objects/count inuse_space/bytes"), std::string::npos)
      << types.out.substr(0, 400);
  EXPECT_NE(types.out.find("Mappings"), std::string::npos);

  r = e2e::run({e2e::leakdbg(), "export", snaps_.back(), "--format", "collapsed", "-o", folded});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(read_file(folded));
  size_t count = 0;
  bool leak_line = false;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_TRUE(collapsed_line(line)) << line;
    leak_line = leak_line || line.find(function) != std::string::npos;
  }
  EXPECT_GT(count, 0u);
  EXPECT_TRUE(leak_line);
}

INSTANTIATE_TEST_SUITE_P(
    Programs, LeakReports,
    testing::Values(LeakProgram{"demo",
                                {e2e::bin("leakdbg-demo"), "--duration", "3", "--rate", "2000"},
                                "ConfigParser::read_defaults"},
                    LeakProgram{"prog_leak_plugin",
                                {e2e::bin("prog_leak_plugin"), "--seconds", "3"},
                                "parse_line"},
                    LeakProgram{"prog_leak_mmap",
                                {e2e::bin("prog_leak_mmap"), "--seconds", "3"},
                                "map_segment"},
                    LeakProgram{"prog_leak_realloc",
                                {e2e::bin("prog_leak_realloc"), "--seconds", "3"},
                                "build_message"}),
    [](const testing::TestParamInfo<LeakProgram>& param_info) { return param_info.param.name; });

// The page as headless Chromium drew it, with a profile folder of its own under `dir`.
e2e::Result dump_dom(const std::string& dir, const std::string& html) {
  return e2e::run(
      {on_path("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
       "--user-data-dir=" + dir + "/chromium-profile", "--enable-logging=stderr", "--v=0",
       "--virtual-time-budget=5000", "--dump-dom", "file://" + html},
      {}, 90);
}

// Saved UMDH text: no times and no process figures, but suspects, charts by snapshot
// number and flame graphs all the same; and its two logs export as a growth profile.
TEST(WindowsText, ReportAndExport) {
  std::string dir = e2e::scratch_dir("report-windows");
  std::string input = std::string(LEAKDBG_SOURCE_DIR) + "/tests/data/windows/umdh-diff.txt";
  std::string html = dir + "/umdh.html";
  e2e::Result r = e2e::run({e2e::leakdbg(), "report", input, "-o", html});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  e2e::Result analysis = e2e::run({e2e::leakdbg(), "analyze", "--json", input});
  ASSERT_EQ(analysis.exit_code, 0) << analysis.err;
  std::string top = e2e::json_of(analysis)["suspects"][0]["site"]["function"];
  ASSERT_FALSE(top.empty());

  r = dump_dom(dir, html);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream err(r.err);
  for (std::string line; std::getline(err, line);)
    EXPECT_EQ(line.find(":CONSOLE"), std::string::npos) << line;
  EXPECT_NE(r.out.find("data-rendered=\"yes\""), std::string::npos);
  EXPECT_TRUE(holds(r.out, "<div id=\"flame-live\">", "id=\"flame-growth\"", "<rect"));
  EXPECT_NE(r.out.find("the input carries no times"), std::string::npos);
  std::string drawn = r.out.substr(0, r.out.find("id=\"leakdbg-data\""));
  EXPECT_NE(drawn.find(top), std::string::npos) << top;

  std::string pprof = dir + "/umdh.pb.gz";
  r = e2e::run({e2e::leakdbg(), "export", input, "--format", "pprof", "-o", pprof});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  e2e::Result listing = go_pprof({"-top", pprof}, dir);
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_FALSE(first_top_entry(listing.out).empty()) << listing.out;
}

// Three `!heap -s` dumps: the page lists the heaps whose commit grew, by handle, the
// leaking one first and marked.
TEST(WindowsText, ReportListsHeapsWhoseCommitGrew) {
  std::string dir = e2e::scratch_dir("report-windows-growth");
  std::string data = std::string(LEAKDBG_SOURCE_DIR) + "/tests/data/windows/growth/";
  std::string html = dir + "/growth.html";
  e2e::Result r = e2e::run({e2e::leakdbg(), "report", data + "dump1.txt", data + "dump2.txt",
                            data + "dump3.txt", "-o", html});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = dump_dom(dir, html);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string drawn = r.out.substr(0, r.out.find("id=\"leakdbg-data\""));
  const std::string start = "id=\"heap-suspects\"", end = "</table>";
  EXPECT_TRUE(holds(drawn, start, end, "<td class=\"text \">00c40000</td>")) << drawn;
  EXPECT_TRUE(holds(drawn, start, end, "<td class=\"text \">00e10000</td>")) << drawn;
  EXPECT_TRUE(holds(drawn, start, end, "LIKELY")) << drawn;
  EXPECT_LT(drawn.find("00c40000", drawn.find(start)), drawn.find("00e10000", drawn.find(start)));
}

}  // namespace
