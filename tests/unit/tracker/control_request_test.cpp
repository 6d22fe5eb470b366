#include "tracker/control_request.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace leakdbg::tracker {
namespace {

bool parse(const std::string& line, std::string* label, size_t label_size = 64) {
  char buffer[256];
  bool ok = parse_snapshot_request(line.data(), line.size(), buffer, label_size);
  *label = buffer;
  return ok;
}

TEST(ControlRequest, AcceptsSnapshotWithAndWithoutLabel) {
  std::string label;
  EXPECT_TRUE(parse("snapshot", &label));
  EXPECT_EQ(label, "");
  EXPECT_TRUE(parse("snapshot after warm-up", &label));
  EXPECT_EQ(label, "after warm-up");
}

TEST(ControlRequest, RejectsOtherVerbs) {
  std::string label;
  EXPECT_FALSE(parse("", &label));
  EXPECT_FALSE(parse("snap", &label));
  EXPECT_FALSE(parse("snapshots", &label));
  EXPECT_FALSE(parse("format disk", &label));
}

TEST(ControlRequest, TruncatesLongLabelsAndMasksControlCharacters) {
  std::string label;
  EXPECT_TRUE(parse("snapshot " + std::string(100, 'x'), &label, 10));
  EXPECT_EQ(label, std::string(9, 'x'));
  EXPECT_TRUE(parse(std::string("snapshot a\x1b[2Jb"), &label));
  EXPECT_EQ(label, "a?[2Jb");
}

}  // namespace
}  // namespace leakdbg::tracker
