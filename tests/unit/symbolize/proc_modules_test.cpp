#include "symbolize/proc_modules.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>

#include "symbolize/elf_info.h"
#include "util/error.h"

namespace leakdbg {
namespace {

TEST(ParseMaps, FieldsOfEachLine) {
  auto entries = parse_maps(
      "55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1234   /usr/bin/my prog\n"
      "55d0c0a02000-55d0c0a05000 r-xp 00002000 08:01 1234   /usr/bin/my prog\n"
      "7ffd1c000000-7ffd1c021000 rw-s 00000000 00:00 0 \n"
      "7ffd1d000000-7ffd1d002000 r-xp 00000000 00:00 0                          [vdso]\n");
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].start, 0x55d0c0a00000u);
  EXPECT_EQ(entries[0].end, 0x55d0c0a02000u);
  EXPECT_EQ(entries[0].prot, unsigned(PROT_READ));
  EXPECT_EQ(entries[0].path, "/usr/bin/my prog");
  EXPECT_EQ(entries[0].inode, 1234u);
  EXPECT_EQ(entries[1].offset, 0x2000u);
  EXPECT_EQ(entries[1].prot, unsigned(PROT_READ | PROT_EXEC));
  EXPECT_TRUE(entries[2].shared);
  EXPECT_EQ(entries[2].path, "");
  EXPECT_EQ(entries[3].path, "[vdso]");
}

TEST(ParseMaps, MalformedLinesAreRejectedByNumber) {
  EXPECT_THROW(parse_maps("zz-10 r--p 0 08:01 1 /x\n"), Error);
  EXPECT_THROW(parse_maps("20-10 r--p 0 08:01 1 /x\n"), Error);  // end below start
  EXPECT_THROW(parse_maps("10-20 r--p\n"), Error);
  EXPECT_THROW(parse_maps("10-20 r-p 0 08:01 1 /x\n"), Error);
  EXPECT_THROW(parse_maps("10-20 r--p 0 08:01 -1 /x\n"), Error);
  try {
    parse_maps("10-20 r--p 0 08:01 1 /x\n\ngarbage\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(parse_maps("").empty());
}

TEST(ProcModules, ThisProcessListsItsExecutableWithBuildId) {
  auto modules = modules_of_process(getpid());
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const Module* main = nullptr;
  for (const auto& module : modules)
    if (module.path == self) main = &module;
  ASSERT_NE(main, nullptr);
  EXPECT_TRUE(main->is_executable);
  EXPECT_FALSE(main->segments.empty());
  auto info = read_elf_info(self);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(main->build_id, info->build_id);
  // This function lies in one of the executable's segments.
  auto here = reinterpret_cast<uint64_t>(&modules_of_process);
  bool inside = false;
  for (const auto& seg : main->segments) inside |= here >= seg.start && here < seg.end;
  // (modules_of_process is linked statically into this test, so it is the executable's code.)
  EXPECT_TRUE(inside);
  bool has_libc = false;
  for (const auto& module : modules) has_libc |= module.path.find("libc.so") != std::string::npos;
  EXPECT_TRUE(has_libc);
}

TEST(ProcModules, UnknownProcessIsAnError) { EXPECT_THROW(modules_of_process(0x7ffffff0), Error); }

}  // namespace
}  // namespace leakdbg
