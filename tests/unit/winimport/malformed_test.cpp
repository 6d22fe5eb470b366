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

TEST(Malformed, EveryCorruptSampleGetsOneLineNamingWhere) {
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_path("malformed"))) {
    std::string name = entry.path().filename().string();
    std::string message = error_of(read_data("malformed/" + name), name);
    ++files;
    EXPECT_FALSE(message.empty()) << name << " imported without error";
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(message.rfind(name + ": ", 0), 0u) << message;
    // Text with no recognizable header at all is "not Windows output", said as such.
    EXPECT_TRUE(message.find(", line ") != std::string::npos ||
                message.find("at end of text") != std::string::npos ||
                message.find("no WinDbg !heap or UMDH output") != std::string::npos)
        << message;
  }
  EXPECT_GE(files, 15u);
}

TEST(Malformed, MessagesNameTheRightLine) {
  auto check = [](const std::string& file, const std::string& expected) {
    std::string message = error_of(read_data("malformed/" + file), file);
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  };
  check("heap-stat-bad-total.txt", "WinDbg !heap -stat, line 4: total");
  check("heap-stat-truncated.txt", "line 6");
  check("heap-s-no-rows-cut.txt", "WinDbg !heap -s, line 5");
  check("heap-p-a-truncated.txt", "line 1: no heap entry follows");
  check("heap-p-a-garbage.txt", "line 8: unrecognized line");
  check("umdh-diff-inconsistent.txt", "UMDH diff, line 11");
  check("umdh-diff-count-mismatch.txt", "line 12");
  check("umdh-log-huge-count.txt", "UMDH log, line 1");
  check("umdh-log-zero-count.txt", "0 allocations");
  check("heap-flt-no-heap-line.txt", "line 2: heap entry before the \"_HEAP @\" line");
  check("heap-stat-no-heap-line.txt", "line 3: size row before the \"heap @\" line");
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
