#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "test_data.h"
#include "util/error.h"
#include "winimport/import.h"

using namespace winimport_test;
using leakdbg::winimport::import_text;

namespace {

// The one-line message of the error a text raises; "" if it imports.
std::string error_of(const std::string& text, const std::string& name) {
  try {
    import_text(text, name);
  } catch (const leakdbg::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// Inside a recognized output a bad line is skipped and counted; only text with nothing
// usable (or an impossible figure) is refused, with one line naming where.
struct Outcome {
  std::string error;        // "" if it imported
  uint64_t skipped = 0;     // lines skipped, when it imported
  uint64_t first_line = 0;  // the first of them
};

Outcome outcome_of(const std::string& file) {
  Outcome out;
  try {
    auto models = import_text(read_data("malformed/" + file), file);
    out.skipped = models.at(0).notes.skipped_lines;
    out.first_line = models.at(0).notes.first_skipped_line;
  } catch (const leakdbg::Error& e) {
    out.error = e.what();
  }
  return out;
}

TEST(Malformed, EveryCorruptSampleIsRefusedOrItsBadLinesCounted) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_path("malformed"))) {
    std::string name = entry.path().filename().string();
    Outcome out = outcome_of(name);
    ++files;
    if (out.error.empty()) {
      EXPECT_GT(out.skipped, 0u) << name << " imported and skipped nothing";
      continue;
    }
    EXPECT_EQ(out.error.find('\n'), std::string::npos) << out.error;
    EXPECT_EQ(out.error.rfind(name + ": ", 0), 0u) << out.error;
    EXPECT_TRUE(out.error.find(", line ") != std::string::npos ||
                out.error.find("at end of text") != std::string::npos ||
                out.error.find("no WinDbg !heap or UMDH output") != std::string::npos)
        << out.error;
  }
  EXPECT_GE(files, 15u);
}

TEST(Malformed, TheRightLineIsNamedOrSkipped) {
  auto check = [](const std::string& file, uint64_t line) {
    Outcome out = outcome_of(file);
    if (out.error.empty())
      EXPECT_EQ(out.first_line, line) << file;
    else
      EXPECT_NE(out.error.find("line " + std::to_string(line)), std::string::npos) << out.error;
  };
  check("heap-stat-bad-total.txt", 4);
  check("heap-stat-truncated.txt", 6);
  check("heap-p-a-truncated.txt", 1);
  check("heap-p-a-garbage.txt", 8);
  check("umdh-diff-inconsistent.txt", 11);
  check("umdh-diff-count-mismatch.txt", 12);
  check("umdh-log-huge-count.txt", 1);
  EXPECT_NE(outcome_of("umdh-log-zero-count.txt").error.find("0 allocations"), std::string::npos);
  EXPECT_NE(outcome_of("heap-stat-no-heap-line.txt").error.find("no \"heap @\" line"),
            std::string::npos);
}

TEST(Malformed, NotWindowsTextAtAll) {
  EXPECT_NE(error_of("just words\n", "notes.txt").find("no WinDbg !heap or UMDH output"),
            std::string::npos);
  EXPECT_NE(error_of("0:000> ln 1234\n (1234) foo!bar\n", "ln.txt").find("no WinDbg"),
            std::string::npos);
}

TEST(Malformed, EveryTruncationOfEverySampleImportsOrSaysWhy) {
  for (const char* name : {"heap-s.txt", "heap-stat.txt", "heap-flt.txt", "heap-p-a.txt",
                           "heap-p-a-x64.txt", "session.txt", "umdh-diff.txt", "umdh-log.txt"}) {
    std::string text = read_data(name);
    size_t step = std::max<size_t>(7, text.size() / 60);
    for (size_t cut = 0; cut < text.size(); cut += step) {
      try {
        import_text(text.substr(0, cut), name);
      } catch (const leakdbg::Error& e) {
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
      }
    }
  }
}
