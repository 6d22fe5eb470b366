// The one reader of /proc/PID/maps lines, behind smaps, the live-process modules and the
// address lookup: every field, and which field a malformed line names.
#include "util/proc_maps.h"

#include <gtest/gtest.h>

using leakdbg::MapsField;
using leakdbg::MapsLine;
using leakdbg::parse_maps_line;

namespace {

MapsField first_bad(std::string_view line, std::string_view* bad_text = nullptr) {
  MapsLine fields;
  return parse_maps_line(line, fields, bad_text);
}

TEST(ParseMapsLine, EveryField) {
  MapsLine f;
  ASSERT_EQ(
      parse_maps_line("55d0c0a02000-55d0c0a05000 r-xs 00002000 fd:1a 1234   /usr/bin/my prog", f),
      MapsField::kNone);
  EXPECT_EQ(f.start, 0x55d0c0a02000u);
  EXPECT_EQ(f.end, 0x55d0c0a05000u);
  EXPECT_EQ(f.range, "55d0c0a02000-55d0c0a05000");
  EXPECT_EQ(f.perms, "r-xs");
  EXPECT_TRUE(f.read && !f.write && f.exec && f.shared);
  EXPECT_EQ(f.offset, 0x2000u);
  EXPECT_EQ(f.dev_major, 0xfdu);
  EXPECT_EQ(f.dev_minor, 0x1au);
  EXPECT_EQ(f.inode, 1234u);
  EXPECT_EQ(f.path, "/usr/bin/my prog");
}

TEST(ParseMapsLine, AnonymousMemoryHasNoPath) {
  MapsLine f;
  ASSERT_EQ(parse_maps_line("7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0 ", f),
            MapsField::kNone);
  EXPECT_EQ(f.path, "");
  EXPECT_EQ(parse_maps_line("7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0", f),
            MapsField::kNone);
  EXPECT_EQ(f.path, "");
}

TEST(ParseMapsLine, RangeOrderIsLeftToTheCaller) {
  MapsLine f;
  EXPECT_EQ(parse_maps_line("20-10 r--p 0 08:01 1 /x", f), MapsField::kNone);
  EXPECT_EQ(f.start, 0x20u);
  EXPECT_EQ(f.end, 0x10u);
}

TEST(ParseMapsLine, NamesTheFirstMalformedField) {
  std::string_view bad;
  EXPECT_EQ(first_bad("zz-10 r--p 0 08:01 1 /x", &bad), MapsField::kRange);
  EXPECT_EQ(bad, "zz-10");
  EXPECT_EQ(first_bad("1000 r--p 0 08:01 1 /x"), MapsField::kRange);
  EXPECT_EQ(first_bad("0x10-0x20 r--p 0 08:01 1 /x"), MapsField::kRange);
  EXPECT_EQ(first_bad("ffffffffffffffffff-1 r--p 0 08:01 1 /x"), MapsField::kRange);
  EXPECT_EQ(first_bad("10-20 r-p 0 08:01 1 /x", &bad), MapsField::kPerms);
  EXPECT_EQ(bad, "r-p");
  EXPECT_EQ(first_bad("10-20 rwxq 0 08:01 1 /x"), MapsField::kPerms);
  EXPECT_EQ(first_bad("10-20 r--p"), MapsField::kOffset);
  EXPECT_EQ(first_bad("10-20 r--p -1 08:01 1 /x"), MapsField::kOffset);
  EXPECT_EQ(first_bad("10-20 r--p 0 0801 1 /x", &bad), MapsField::kDevice);
  EXPECT_EQ(bad, "0801");
  EXPECT_EQ(first_bad("10-20 r--p 0 08:zz 1 /x"), MapsField::kDevice);
  EXPECT_EQ(first_bad("10-20 r--p 0 08:01 -1 /x"), MapsField::kInode);
  EXPECT_EQ(first_bad("10-20 r--p 0 08:01"), MapsField::kInode);
  EXPECT_EQ(first_bad("10-20\tr--p 0 08:01 1 /x"), MapsField::kRange);  // spaces only
}

}  // namespace
