#include "procmem/smaps.h"

#include <gtest/gtest.h>

#include "smaps_text.h"
#include "util/error.h"

namespace leakdbg::procmem {
namespace {

const char kTwoMappings[] =
    "55d0c6a00000-55d0c6a02000 r-xp 00001000 fe:01 1234                       /usr/bin/my prog\n"
    "Size:                  8 kB\n"
    "KernelPageSize:        4 kB\n"
    "Rss:                   8 kB\n"
    "Pss:                   6 kB\n"
    "Shared_Clean:          4 kB\n"
    "Shared_Dirty:          0 kB\n"
    "Private_Clean:         4 kB\n"
    "Private_Dirty:         0 kB\n"
    "Swap:                  0 kB\n"
    "Locked:                0 kB\n"
    "THPeligible:    0\n"
    "ProtectionKey:  0\n"
    "VmFlags: rd ex mr mw me sd \n"
    "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
    "Size:               1024 kB\n"
    "Rss:                 512 kB\n"
    "Private_Dirty:       500 kB\n"
    "Swap:                 12 kB\n"
    "Locked:                4 kB\n"
    "SomeFutureField:     7 kB\n";

TEST(Smaps, ParsesHeadersAndFields) {
  auto maps = parse_smaps(kTwoMappings);
  ASSERT_EQ(maps.size(), 2u);
  const Mapping& exe = maps[0];
  EXPECT_EQ(exe.start, 0x55d0c6a00000u);
  EXPECT_EQ(exe.end, 0x55d0c6a02000u);
  EXPECT_TRUE(exe.read && exe.exec && !exe.write && !exe.shared);
  EXPECT_EQ(exe.offset, 0x1000u);
  EXPECT_EQ(exe.dev_major, 0xfeu);
  EXPECT_EQ(exe.dev_minor, 1u);
  EXPECT_EQ(exe.inode, 1234u);
  EXPECT_EQ(exe.path, "/usr/bin/my prog");
  EXPECT_EQ(exe.rss, 8u * 1024);
  EXPECT_EQ(exe.pss, 6u * 1024);
  EXPECT_EQ(exe.shared_clean, 4u * 1024);
  EXPECT_EQ(exe.private_clean, 4u * 1024);
  EXPECT_EQ(exe.vm_flags, "rd ex mr mw me sd");
  EXPECT_FALSE(exe.anonymous_memory());
  EXPECT_EQ(exe.perms(), "r-xp");

  const Mapping& anon = maps[1];
  EXPECT_TRUE(anon.path.empty());
  EXPECT_TRUE(anon.anonymous_memory());
  EXPECT_EQ(anon.size(), 1024u * 1024);
  EXPECT_EQ(anon.private_dirty, 500u * 1024);
  EXPECT_EQ(anon.swap, 12u * 1024);
  EXPECT_EQ(anon.locked, 4u * 1024);
  EXPECT_EQ(anon.private_bytes(), (500u + 12u) * 1024);
}

TEST(Smaps, EmptyTextHasNoMappings) { EXPECT_TRUE(parse_smaps("").empty()); }

TEST(Smaps, KernelNamedAndAnonNamedMappingsAreAnonymous) {
  auto maps = parse_smaps(procmem_test::smaps_entry(0x1000, 0x2000, "rw-p", "[heap]") +
                          procmem_test::smaps_entry(0x3000, 0x4000, "rw-p", "[anon:jit cache]"));
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_TRUE(maps[0].anonymous_memory());
  EXPECT_EQ(maps[1].path, "[anon:jit cache]");
  EXPECT_TRUE(maps[1].anonymous_memory());
}

void expect_error(const std::string& text, const std::string& fragment) {
  try {
    parse_smaps(text);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "not one line: " << e.what();
  }
}

TEST(SmapsCorrupt, TruncatedHeader) { expect_error("7f0000000000-7f00", "line 1"); }
TEST(SmapsCorrupt, TruncatedHeaderAfterRange) {
  expect_error("7f0000000000-7f0000001000 rw", "permissions");
}
TEST(SmapsCorrupt, MissingInode) {
  expect_error("7f0000000000-7f0000001000 rw-p 00000000 00:00\n", "inode");
}
TEST(SmapsCorrupt, TruncatedFieldLosesUnit) {
  expect_error("7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nRss:   12", "Rss");
}
TEST(SmapsCorrupt, HugeNumberOverflows) {
  expect_error("7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nRss: 99999999999999999999999 kB\n",
               "line 2");
  expect_error("7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nRss: 18014398509481984 kB\n",
               "too large");
  expect_error("7f0000000000-1ffffffffffffffff rw-p 00000000 00:00 0\n", "address range");
}
TEST(SmapsCorrupt, GarbageLine) {
  expect_error("7f0000000000-7f0000001000 rw-p 00000000 00:00 0\n\x01\x02 garbage here\n",
               "line 2");
}
TEST(SmapsCorrupt, FieldBeforeHeader) { expect_error("Rss: 4 kB\n", "before the first"); }
TEST(SmapsCorrupt, InvertedRange) {
  expect_error("7f0000002000-7f0000001000 rw-p 00000000 00:00 0\n", "inverted");
}
TEST(SmapsCorrupt, BadPermissions) {
  expect_error("7f0000000000-7f0000001000 rwzp 00000000 00:00 0\n", "permissions");
}
TEST(SmapsCorrupt, OverlappingMappings) {
  expect_error(
      procmem_test::smaps_entry(0x10000, 0x20000) + procmem_test::smaps_entry(0x18000, 0x30000),
      "overlaps");
}
TEST(SmapsCorrupt, BadDevice) {
  expect_error("7f0000000000-7f0000001000 rw-p 00000000 zz 0\n", "device");
}

}  // namespace
}  // namespace leakdbg::procmem
