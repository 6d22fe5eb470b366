// An outside oracle: valgrind memcheck's leak report and leakdbg's exit snapshot must agree
// on what one leak site never freed, for the same deterministic run of a leak program.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e_util.h"

namespace {

struct Leaked {
  uint64_t bytes = 0, blocks = 0;
};

std::string find_valgrind() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
    std::string path = std::string(dir) + "/valgrind";
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

std::string tag_value(const std::string& text, const std::string& tag) {
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t start = text.find(open);
  if (start == std::string::npos) return "";
  start += open.size();
  size_t end = text.find(close, start);
  return end == std::string::npos ? "" : text.substr(start, end - start);
}

// Sums memcheck's "definitely lost" records whose stack passes through `function`.
Leaked valgrind_leaked(const std::string& xml, const std::string& function) {
  Leaked total;
  size_t pos = 0;
  while ((pos = xml.find("<error>", pos)) != std::string::npos) {
    size_t end = xml.find("</error>", pos);
    if (end == std::string::npos) break;
    std::string record = xml.substr(pos, end - pos);
    pos = end;
    if (tag_value(record, "kind") != "Leak_DefinitelyLost") continue;
    if (record.find(function) == std::string::npos) continue;
    total.bytes += std::stoull(tag_value(record, "leakedbytes"));
    total.blocks += std::stoull(tag_value(record, "leakedblocks"));
  }
  return total;
}

TEST(AnalyzeOracle, ValgrindAndTheExitSnapshotAgreeOnTheLeak) {
  std::string valgrind = find_valgrind();
  if (valgrind.empty()) GTEST_SKIP() << "valgrind is not installed";
  const std::vector<std::string> program = {e2e::bin("prog_leak_thread_error"), "--requests",
                                            "400"};
  std::string dir = e2e::scratch_dir("analyze-oracle");
  std::string xml_path = dir + "/memcheck.xml";
  std::vector<std::string> valgrind_argv = {valgrind, "--tool=memcheck", "--leak-check=full",
                                            "--xml=yes", "--xml-file=" + xml_path};
  valgrind_argv.insert(valgrind_argv.end(), program.begin(), program.end());
  e2e::Result checked = e2e::run(valgrind_argv, {}, 300);
  ASSERT_EQ(checked.exit_code, 0) << checked.err;
  std::ifstream in(xml_path);
  std::stringstream xml;
  xml << in.rdbuf();
  Leaked expected = valgrind_leaked(xml.str(), "handle_request");
  ASSERT_EQ(expected.blocks, 40u) << "memcheck saw another leak than the program makes";

  std::string snaps = dir + "/snaps";
  std::vector<std::string> run_argv = {e2e::leakdbg(), "run", "-o", snaps, "--"};
  run_argv.insert(run_argv.end(), program.begin(), program.end());
  e2e::Result tracked = e2e::run(run_argv);
  ASSERT_EQ(tracked.exit_code, 0) << tracked.err;
  e2e::Result analyzed = e2e::run({e2e::leakdbg(), "analyze", "--json", snaps});
  ASSERT_EQ(analyzed.exit_code, 0) << analyzed.err;
  nlohmann::json report = e2e::json_of(analyzed);
  ASSERT_TRUE(report["exit"].is_object()) << "no exit snapshot: " << report.dump(1).substr(0, 800);
  Leaked seen;
  for (const auto& site : report["exit"]["sites"]) {
    if (!site["site"].is_object()) continue;
    if (site["site"]["function"].get<std::string>().find("handle_request") == std::string::npos)
      continue;
    seen.bytes += site["bytes"].get<uint64_t>();
    seen.blocks += site["blocks"].get<uint64_t>();
  }
  EXPECT_EQ(seen.blocks, expected.blocks);
  EXPECT_EQ(seen.bytes, expected.bytes);
}

}  // namespace
