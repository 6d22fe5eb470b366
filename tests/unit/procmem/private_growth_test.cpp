#include "procmem/private_growth.h"

#include <gtest/gtest.h>

#include "smaps_text.h"

namespace leakdbg::procmem {
namespace {

constexpr int64_t kMiB = 1 << 20;

TEST(PrivateGrowth, SentenceAsTheReferenceNoteReadsIt) {
  EXPECT_EQ(
      explain_private_growth(static_cast<int64_t>(14.3 * kMiB), static_cast<int64_t>(14.0 * kMiB)),
      "private +14.3 MiB, heap +14.0 MiB (98%)");
  EXPECT_EQ(explain_private_growth(10 * kMiB, 12 * kMiB),
            "private +10.0 MiB, heap +12.0 MiB (120%)");
  EXPECT_EQ(explain_private_growth(10 * kMiB, -kMiB), "private +10.0 MiB, heap -1.0 MiB (-10%)");
}

TEST(PrivateGrowth, NoShareOfAShrinkOrOfNothing) {
  EXPECT_EQ(explain_private_growth(-2 * kMiB, kMiB), "private -2.0 MiB, heap +1.0 MiB");
  EXPECT_EQ(explain_private_growth(0, 0), "private 0 B, heap 0 B");
}

HeapModel model_with(uint64_t heap_kb, uint64_t anon_kb) {
  HeapModel m;
  m.smaps = procmem_test::smaps_entry(0x555501000000, 0x555541000000, "rw-p", "[heap]", 0, heap_kb,
                                      heap_kb) +
            procmem_test::smaps_entry(0x7f0000000000, 0x7f0040000000, "rw-p", "", 0, 1024, 1024);
  m.proc_status = "VmRSS:\t" + std::to_string(anon_kb + 4096) + " kB\nRssAnon:\t" +
                  std::to_string(anon_kb) + " kB\nVmSwap:\t0 kB\n";
  return m;
}

TEST(PrivateGrowth, FromTwoSnapshots) {
  HeapModel base = model_with(1024, 4096), now = model_with(1024 + 14336, 4096 + 14643);
  PrivateGrowth g = private_growth(base, now);
  EXPECT_TRUE(g.private_known);
  EXPECT_EQ(g.private_delta, 14643 * 1024);
  EXPECT_EQ(g.heap_delta, 14336 * 1024);
  EXPECT_EQ(explain_private_growth(base, now), "private +14.3 MiB, heap +14.0 MiB (98%)");
}

TEST(PrivateGrowth, WithoutMemoryMapsFallsBackToTrackedHeap) {
  HeapModel base, now;
  Block b;
  b.size = 3 * 1024 * 1024;
  now.blocks = {b};
  Sample s0, s1;
  s0.private_bytes = 10 * kMiB;
  s1.private_bytes = 14 * kMiB;
  base.samples = {s0};
  now.samples = {s1};
  EXPECT_EQ(explain_private_growth(base, now), "private +4.0 MiB, heap +3.0 MiB (75%)");
  now.samples.clear();
  EXPECT_EQ(explain_private_growth(base, now),
            "private growth unknown (no process figures recorded), heap +3.0 MiB");
}

}  // namespace
}  // namespace leakdbg::procmem
