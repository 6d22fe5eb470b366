#include "procmem/status.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "util/error.h"

namespace leakdbg::procmem {
namespace {

TEST(ProcStatus, ParsesMemoryFigures) {
  ProcStatus s = parse_proc_status(
      "Name:\tserver\nState:\tS (sleeping)\nVmPeak:\t  300000 kB\nVmSize:\t  262144 kB\nVmLck:\t   "
      "    8 kB\n"
      "VmRSS:\t   10240 kB\nRssAnon:\t    8192 kB\nRssFile:\t    1024 kB\nRssShmem:\t    1024 kB\n"
      "VmData:\t   65536 kB\nVmStk:\t     132 kB\nVmPTE:\t      96 kB\nVmSwap:\t     512 "
      "kB\nThreads:\t7\n");
  EXPECT_TRUE(s.valid);
  EXPECT_EQ(s.vm_size, 262144u * 1024);
  EXPECT_EQ(s.vm_rss, 10240u * 1024);
  EXPECT_EQ(s.rss_anon, 8192u * 1024);
  EXPECT_EQ(s.rss_file, 1024u * 1024);
  EXPECT_EQ(s.rss_shmem, 1024u * 1024);
  EXPECT_EQ(s.vm_data, 65536u * 1024);
  EXPECT_EQ(s.vm_stk, 132u * 1024);
  EXPECT_EQ(s.vm_pte, 96u * 1024);
  EXPECT_EQ(s.vm_swap, 512u * 1024);
  EXPECT_EQ(s.vm_lck, 8u * 1024);
  EXPECT_EQ(s.threads, 7u);
  EXPECT_EQ(private_bytes(s), (8192u + 512u) * 1024);
}

TEST(ProcStatus, SkipsMalformedLines) {
  ProcStatus s = parse_proc_status(
      "VmRSS:\t99999999999999999999999 kB\nVmSize: 12 MB\nVmPTE:\nRssAnon 4 "
      "kB\ngarbage\n\nVmSwap:\t4 kB\n");
  EXPECT_FALSE(s.valid);  // VmRSS overflowed: not a figure
  EXPECT_EQ(s.vm_size, 0u);
  EXPECT_EQ(s.vm_pte, 0u);
  EXPECT_EQ(s.rss_anon, 0u);
  EXPECT_EQ(s.vm_swap, 4096u);
}

TEST(ProcStatus, ValueThatOverflowsInBytesIsSkipped) {
  ProcStatus s = parse_proc_status("VmRSS:\t18014398509481984 kB\n");
  EXPECT_FALSE(s.valid);
}

TEST(ProcStatus, ZombieHasNoFigures) {
  EXPECT_FALSE(parse_proc_status("Name:\tdefunct\nState:\tZ (zombie)\nThreads:\t1\n").valid);
}

TEST(ProcStatus, ReadsThisProcess) {
  ProcStatus s = read_proc_status(getpid());
  EXPECT_TRUE(s.valid);
  EXPECT_GT(s.vm_rss, 0u);
  EXPECT_GT(s.vm_size, s.vm_rss);
  EXPECT_GE(s.threads, 1u);
}

TEST(ProcStatus, MissingProcessIsOneClearLine) {
  try {
    read_proc_status(999999999);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "process 999999999: no such process");
  }
}

}  // namespace
}  // namespace leakdbg::procmem
