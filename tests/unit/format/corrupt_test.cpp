// Bad input never crashes the reader and always gives one line naming the file: systematic
// truncations and byte flips of a real snapshot, hand-made bad headers, and the checked-in
// corpus under tests/data/corrupt/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "format/model_encoder.h"
#include "format/snapshot_reader.h"
#include "snapshot_fixture.h"
#include "util/error.h"

namespace leakdbg {
namespace {

namespace fs = std::filesystem;

std::string sample_bytes() {
  fs::path path =
      fs::temp_directory_path() / ("leakdbg-corrupt-base-" + std::to_string(getpid()) + ".ldsnap");
  fmt::write_snapshot(test::sample_model(), path.string());
  std::string bytes = test::read_file(path.string());
  fs::remove(path);
  return bytes;
}

// The error for `bytes`, or "" if they loaded.
std::string error_of(const std::string& bytes, const std::string& name = "snap.ldsnap") {
  try {
    fmt::read_snapshot_bytes(bytes, name);
    return "";
  } catch (const Error& e) {
    return e.what();
  }
}

void expect_one_line_error(const std::string& message, const std::string& name) {
  EXPECT_EQ(message.rfind(name + ": ", 0), 0u) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_GT(message.size(), name.size() + 5) << message;
}

TEST(Corrupt, EveryTruncationIsRefused) {
  std::string good = sample_bytes();
  ASSERT_EQ(error_of(good), "");
  for (size_t cut = 0; cut < good.size(); ++cut) {
    std::string message = error_of(good.substr(0, cut));
    ASSERT_FALSE(message.empty()) << "truncated at " << cut << " loaded";
    expect_one_line_error(message, "snap.ldsnap");
  }
}

TEST(Corrupt, EveryByteFlipIsRefusedOrHarmless) {
  std::string good = sample_bytes();
  size_t refused = 0;
  for (size_t at = 0; at < good.size(); ++at) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    std::string message = error_of(bad);
    if (message.empty()) continue;  // e.g. a reserved field of a header
    ++refused;
    expect_one_line_error(message, "snap.ldsnap");
  }
  // Everything is covered by a CRC or a check except, in each of the 17 section headers, the
  // reserved word and the type (a changed type reads as a section of a later writer, skipped).
  EXPECT_LE(good.size() - refused, 8 * 17u);
}

TEST(Corrupt, NamedProblems) {
  auto contains = [](const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  };
  EXPECT_EQ(error_of(""), "snap.ldsnap: empty file");
  EXPECT_TRUE(contains(error_of("hello, world, this is text"), "not a leakdbg snapshot"));
  std::string newer = error_of(test::SnapshotBytes(fmt::kFormatVersion + 1).meta().end().bytes());
  EXPECT_TRUE(contains(newer, "version " + std::to_string(fmt::kFormatVersion + 1))) << newer;
  EXPECT_TRUE(contains(newer, "(version " + std::to_string(fmt::kFormatVersion) + ")")) << newer;
  EXPECT_TRUE(contains(error_of(test::SnapshotBytes().meta().bytes()), "without its end section"));
  EXPECT_TRUE(contains(error_of(test::SnapshotBytes().end().bytes()), "no meta section"));
  std::string crc = error_of(
      test::SnapshotBytes().meta().section(4, std::string(64, 'x'), true, 7).end().bytes());
  EXPECT_TRUE(contains(crc, "blocks section")) << crc;
  EXPECT_TRUE(contains(crc, "checksum mismatch")) << crc;
  EXPECT_TRUE(contains(error_of(test::SnapshotBytes().meta().end().bytes() + "x"),
                       "stray bytes after the end"));
  // Reachability: classes that do not match the blocks, unknown enumerations.
  fmt::BlockRecord block{};
  block.address = 0x1000;
  fmt::BlockReachRecord cls{};
  cls.reach_class = 1;
  std::string two_classes = test::raw_of(cls) + test::raw_of(cls);
  // Version 1, whose blocks are BlockRecords as built here.
  std::string count = error_of(test::SnapshotBytes(1)
                                   .meta()
                                   .section(4, test::raw_of(block))
                                   .section(15, two_classes)
                                   .end()
                                   .bytes());
  EXPECT_TRUE(contains(count, "2 records for 1 blocks")) << count;
  cls.reach_class = 9;
  std::string unknown_class = error_of(test::SnapshotBytes(1)
                                           .meta()
                                           .section(4, test::raw_of(block))
                                           .section(15, test::raw_of(cls))
                                           .end()
                                           .bytes());
  EXPECT_TRUE(contains(unknown_class, "unknown class 9")) << unknown_class;
  fmt::ReferrerRecord referrer{};
  referrer.kind = 1;
  std::string orphan =
      error_of(test::SnapshotBytes().meta().section(16, test::raw_of(referrer)).end().bytes());
  EXPECT_TRUE(contains(orphan, "referrers section without block classes")) << orphan;
  // Region classes: one per region, and only with block classes.
  fmt::RegionRecord region{};
  region.address = 0x7f0000000000;
  region.length = 4096;
  cls.reach_class = 4;
  std::string region_count = error_of(test::SnapshotBytes(1)
                                          .meta()
                                          .section(4, test::raw_of(block))
                                          .section(15, test::raw_of(cls))
                                          .section(5, test::raw_of(region))
                                          .section(18, two_classes)
                                          .end()
                                          .bytes());
  EXPECT_TRUE(contains(region_count, "2 records for 1 regions")) << region_count;
  std::string region_orphan = error_of(test::SnapshotBytes()
                                           .meta()
                                           .section(5, test::raw_of(region))
                                           .section(18, test::raw_of(cls))
                                           .end()
                                           .bytes());
  EXPECT_TRUE(contains(region_orphan, "region classes section without block classes"))
      << region_orphan;
  // Region referrers (type 19): only with region classes, and of known kinds.
  cls.reach_class = 1;
  std::string region_referrers_alone = error_of(test::SnapshotBytes(1)
                                                    .meta()
                                                    .section(4, test::raw_of(block))
                                                    .section(15, test::raw_of(cls))
                                                    .section(5, test::raw_of(region))
                                                    .section(19, test::raw_of(referrer))
                                                    .end()
                                                    .bytes());
  EXPECT_TRUE(contains(region_referrers_alone, "region referrers section without region classes"))
      << region_referrers_alone;
  fmt::ReferrerRecord bad_kind = referrer;
  bad_kind.kind = 12;
  std::string region_referrer_kind = error_of(test::SnapshotBytes(1)
                                                  .meta()
                                                  .section(4, test::raw_of(block))
                                                  .section(15, test::raw_of(cls))
                                                  .section(5, test::raw_of(region))
                                                  .section(18, test::raw_of(cls))
                                                  .section(19, test::raw_of(bad_kind))
                                                  .end()
                                                  .bytes());
  EXPECT_TRUE(contains(region_referrer_kind, "region referrers section: unknown referrer kind 12"))
      << region_referrer_kind;
  std::string region_referrers_size = error_of(test::SnapshotBytes(1)
                                                   .meta()
                                                   .section(4, test::raw_of(block))
                                                   .section(15, test::raw_of(cls))
                                                   .section(5, test::raw_of(region))
                                                   .section(18, test::raw_of(cls))
                                                   .section(19, std::string(23, '\0'))
                                                   .end()
                                                   .bytes());
  EXPECT_TRUE(contains(region_referrers_size, "region referrers section")) << region_referrers_size;
  fmt::ReachabilityRecord summary{};
  summary.status = 77;
  std::string status =
      error_of(test::SnapshotBytes().meta().section(14, test::raw_of(summary)).end().bytes());
  EXPECT_TRUE(contains(status, "unknown status 77")) << status;
}

TEST(Corrupt, CheckedInCorpus) {
  fs::path dir = fs::path(LEAKDBG_SOURCE_DIR) / "tests" / "data" / "corrupt";
  size_t bad = 0, ok = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    std::string path = entry.path().string();
    std::string message;
    try {
      fmt::read_snapshot(path);
    } catch (const Error& e) {
      message = e.what();
    }
    if (name.rfind("ok-", 0) == 0) {
      EXPECT_EQ(message, "") << name;
      ++ok;
    } else {
      ASSERT_FALSE(message.empty()) << name << " loaded";
      expect_one_line_error(message, path);
      ++bad;
    }
  }
  EXPECT_GE(bad, 40u);
  EXPECT_GE(ok, 5u);
}

}  // namespace
}  // namespace leakdbg
