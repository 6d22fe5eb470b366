#include "tracker/control_request.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "tracker/config.h"

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

TEST(ControlRequest, ReachabilityOptionComesBeforeTheLabel) {
  char label[64];
  bool reach = false;
  const std::string plain = "snapshot --reachability";
  EXPECT_TRUE(parse_snapshot_request(plain.data(), plain.size(), label, sizeof label, &reach));
  EXPECT_TRUE(reach);
  EXPECT_STREQ(label, "");
  const std::string labelled = "snapshot --reachability after load";
  EXPECT_TRUE(
      parse_snapshot_request(labelled.data(), labelled.size(), label, sizeof label, &reach));
  EXPECT_TRUE(reach);
  EXPECT_STREQ(label, "after load");
  const std::string other = "snapshot --reachabilityx";
  EXPECT_TRUE(parse_snapshot_request(other.data(), other.size(), label, sizeof label, &reach));
  EXPECT_FALSE(reach);
  EXPECT_STREQ(label, "--reachabilityx");
}

TEST(Config, ReachabilityValues) {
  unsigned bits = 0;
  EXPECT_TRUE(parse_reachability("none", &bits));
  EXPECT_EQ(bits, 0u);
  EXPECT_TRUE(parse_reachability("exit", &bits));
  EXPECT_EQ(bits, Config::kReachExit);
  EXPECT_TRUE(parse_reachability("exit,interval", &bits));
  EXPECT_EQ(bits, Config::kReachExit | Config::kReachInterval);
  EXPECT_TRUE(parse_reachability("all", &bits));
  EXPECT_EQ(bits, Config::kReachExit | Config::kReachRequested | Config::kReachInterval);
  EXPECT_FALSE(parse_reachability("sometimes", &bits));
}

}  // namespace
}  // namespace leakdbg::tracker
