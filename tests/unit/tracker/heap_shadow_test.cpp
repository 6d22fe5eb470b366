#include "tracker/heap_shadow.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "test_blocks.h"

namespace leakdbg::tracker {
namespace {

// Busy marks of the test's threads, for the release handshake with visits.
constexpr int kMarks = 8;
std::atomic<uint32_t> g_marks[kMarks];
void wait_for_marks() {
  for (auto& mark : g_marks)
    while (mark.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

std::vector<LiveBlock> visit_all(HeapShadow& shadow) {
  std::vector<LiveBlock> seen;
  shadow.for_each_block([&](const LiveBlock& b) { seen.push_back(b); });
  return seen;
}

TEST(HeapShadow, EveryFieldRoundTripsAtItsLimits) {
  static HeapShadow shadow;
  ASSERT_TRUE(shadow.enable(wait_for_marks));
  LiveBlock b = block_at(0x7f0012345670, HeapShadow::kMaxSize, 0xfedcba98);
  b.thread_id = HeapShadow::kMaxThread;
  b.tick = HeapShadow::kMaxTick;
  b.api = 13;
  LiveBlock replaced;
  ASSERT_EQ(shadow.insert(b, &replaced), HeapShadow::Insert::kStored);
  auto seen = visit_all(shadow);
  ASSERT_EQ(seen.size(), 1u);
  LiveBlock out;
  ASSERT_TRUE(shadow.remove(b.address, &out, &g_marks[0]));
  for (const LiveBlock& got : {seen[0], out}) {
    EXPECT_EQ(got.address, b.address);
    EXPECT_EQ(got.size, b.size);
    EXPECT_EQ(got.stack_id, b.stack_id);
    EXPECT_EQ(got.thread_id, b.thread_id);
    EXPECT_EQ(got.tick, b.tick);
    EXPECT_EQ(got.api, b.api);
  }
  EXPECT_FALSE(shadow.remove(b.address, &out, &g_marks[0]));
  EXPECT_TRUE(visit_all(shadow).empty());
  shadow.clear_for_tests();
}

TEST(HeapShadow, RefusesWhatDoesNotFit) {
  static HeapShadow shadow;
  LiveBlock replaced;
  EXPECT_EQ(shadow.insert(block_at(0x1000, 8), &replaced), HeapShadow::Insert::kNotStorable)
      << "not enabled yet";
  ASSERT_TRUE(shadow.enable(wait_for_marks));
  EXPECT_EQ(shadow.insert(block_at(0x1008, 8), &replaced), HeapShadow::Insert::kNotStorable);
  EXPECT_EQ(shadow.insert(block_at(0x1000, HeapShadow::kMaxSize + 1), &replaced),
            HeapShadow::Insert::kNotStorable);
  EXPECT_EQ(shadow.insert(block_at(uintptr_t{1} << 47, 8), &replaced),
            HeapShadow::Insert::kNotStorable);
  LiveBlock b = block_at(0x1000, 8);
  b.thread_id = HeapShadow::kMaxThread + 1;
  EXPECT_EQ(shadow.insert(b, &replaced), HeapShadow::Insert::kNotStorable);
  b = block_at(0x1000, 8);
  b.tick = HeapShadow::kMaxTick + 1;
  EXPECT_EQ(shadow.insert(b, &replaced), HeapShadow::Insert::kNotStorable);
  EXPECT_TRUE(visit_all(shadow).empty());
  LiveBlock out;
  EXPECT_FALSE(shadow.remove(0x1000, &out, &g_marks[0]));
  EXPECT_FALSE(shadow.remove(uintptr_t{1} << 47, &out, nullptr));
  shadow.clear_for_tests();
}

// The two 16-byte halves of one granule: only the address stored is found, and a block
// seen at the other half replaces it (the allocator reused the memory after a release the
// tracker never saw).
TEST(HeapShadow, TheOtherHalfOfAGranuleIsADifferentBlock) {
  static HeapShadow shadow;
  ASSERT_TRUE(shadow.enable(wait_for_marks));
  LiveBlock replaced;
  ASSERT_EQ(shadow.insert(block_at(0x20010, 24, 5), &replaced), HeapShadow::Insert::kStored);
  LiveBlock out;
  EXPECT_FALSE(shadow.remove(0x20000, &out, nullptr));
  ASSERT_EQ(shadow.insert(block_at(0x20000, 40, 6), &replaced), HeapShadow::Insert::kReplaced);
  EXPECT_EQ(replaced.address, 0x20010u);
  EXPECT_EQ(replaced.size, 24u);
  EXPECT_EQ(replaced.stack_id, 5u);
  EXPECT_FALSE(shadow.remove(0x20010, &out, &g_marks[0]));
  ASSERT_TRUE(shadow.remove(0x20000, &out, nullptr));
  EXPECT_EQ(out.size, 40u);
  shadow.clear_for_tests();
}

// Random churn over several segments against a reference map; visits come in address order.
TEST(HeapShadow, MatchesAReferenceMapAndVisitsInAddressOrder) {
  static HeapShadow shadow;
  ASSERT_TRUE(shadow.enable(wait_for_marks));
  std::map<uintptr_t, uint64_t> reference;
  std::mt19937_64 random(2024);
  const uintptr_t bases[] = {0x555555554000, 0x7f1234000000, 0x7f0004000000, 0x1000000};
  std::vector<uintptr_t> live;
  for (int step = 0; step < 200000; ++step) {
    if (live.empty() || random() % 3 != 0) {
      // Granule-aligned or at +16, never two in one granule (as glibc lays chunks out).
      const uintptr_t granule = bases[random() % 4] + (random() % 3000000) * 32;
      if (reference.count(granule) || reference.count(granule + 16)) continue;
      const uintptr_t address = granule + (random() % 2) * 16;
      const uint64_t size = random() % 5000;
      LiveBlock replaced;
      ASSERT_EQ(shadow.insert(block_at(address, size, static_cast<uint32_t>(step)), &replaced),
                HeapShadow::Insert::kStored);
      live.push_back(address);
      reference[address] = size;
    } else {
      const size_t i = random() % live.size();
      const uintptr_t address = live[i];
      live[i] = live.back();
      live.pop_back();
      LiveBlock out;
      ASSERT_TRUE(shadow.remove(address, &out, step % 2 ? &g_marks[0] : nullptr));
      EXPECT_EQ(out.size, reference[address]);
      reference.erase(address);
    }
  }
  auto seen = visit_all(shadow);
  ASSERT_EQ(seen.size(), reference.size());
  auto expected = reference.begin();
  for (const LiveBlock& b : seen) {
    ASSERT_EQ(b.address, expected->first);
    EXPECT_EQ(b.size, expected->second);
    ++expected;
  }
  EXPECT_GT(shadow.memory_bytes(), 0u);
  EXPECT_LT(shadow.memory_bytes(), shadow.reserved_bytes());
  shadow.clear_for_tests();
}

// glibc-like density (one 48-byte chunk after another): the shadow's touched pages cost
// 16 bytes per 32 bytes of heap, well under the 48 bytes per block the tracker may spend.
TEST(HeapShadow, DenseSmallBlocksCostUnder48BytesEach) {
  static HeapShadow shadow;
  ASSERT_TRUE(shadow.enable(wait_for_marks));
  constexpr uint64_t kBlocks = 2'000'000;
  LiveBlock replaced;
  for (uint64_t i = 0; i < kBlocks; ++i)
    ASSERT_EQ(shadow.insert(block_at(0x7f0000000010 + i * 48, 32), &replaced),
              HeapShadow::Insert::kStored);
  const double per_block = static_cast<double>(shadow.memory_bytes()) / kBlocks;
  EXPECT_LE(per_block, 48.0);
  EXPECT_EQ(visit_all(shadow).size(), kBlocks);
  shadow.clear_for_tests();
}

// The budget is asked every 256 newly touched pages; once it says no, blocks whose entry
// would need a new page are refused (the tracker puts them in its table), while pages
// already touched keep taking blocks and every held block can still be removed.
size_t g_budget_asked = 0;
bool budget_of_one_mib(size_t shadow_bytes) {
  g_budget_asked = shadow_bytes;
  return shadow_bytes <= (size_t{1} << 20);
}

TEST(HeapShadow, ABudgetSaysNoAndNoMorePagesAreTouched) {
  static HeapShadow shadow;
  ASSERT_TRUE(shadow.enable(wait_for_marks, budget_of_one_mib));
  constexpr uintptr_t kBase = 0x7f4000000000;
  constexpr uintptr_t kPageSpan = 8192;  // heap covered by one 4 KiB shadow page
  LiveBlock replaced, out;
  uintptr_t page = 0;
  // 512 pages: asked at 256 (1 MiB, yes) and 512 (2 MiB, no).
  for (; page < 512; ++page)
    ASSERT_EQ(shadow.insert(block_at(kBase + page * kPageSpan, 4000), &replaced),
              HeapShadow::Insert::kStored)
        << page;
  EXPECT_EQ(g_budget_asked, size_t{2} << 20);
  EXPECT_TRUE(shadow.full());
  EXPECT_EQ(shadow.insert(block_at(kBase + page * kPageSpan, 4000), &replaced),
            HeapShadow::Insert::kNotStorable);
  EXPECT_EQ(shadow.insert(block_at(kBase + 5 * kPageSpan + 4096, 64), &replaced),
            HeapShadow::Insert::kStored)
      << "a touched page still takes blocks";
  EXPECT_EQ(visit_all(shadow).size(), 513u);
  for (uintptr_t p = 0; p < 512; ++p)
    ASSERT_TRUE(shadow.remove(kBase + p * kPageSpan, &out, &g_marks[0])) << p;
  EXPECT_GE(shadow.memory_bytes(), size_t{2} << 20);
  shadow.clear_for_tests();
}

// Threads allocate and release in their own areas while a visitor runs over and over. Each
// thread marks a block freed right after its release (where the hook would hand it back to
// the allocator): a visitor must never meet a block so marked, nor an entry mixed from two
// blocks; half the threads release on the lock-free path. At the end the shadow holds
// exactly the blocks never released.
TEST(HeapShadow, ConcurrentChurnWithVisitsNeverSeesAReleasedBlock) {
  static HeapShadow shadow;
  ASSERT_TRUE(shadow.enable(wait_for_marks));
  constexpr int kThreads = 4;
  constexpr uintptr_t kPerThread = 200000;
  static std::atomic<uint8_t> freed[kThreads][kPerThread];
  std::atomic<bool> done{false};
  std::atomic<uint64_t> torn{0}, released_seen{0}, visits{0};
  std::thread visitor([&] {
    while (!done.load()) {
      shadow.for_each_block([&](const LiveBlock& b) {
        // Writers store stack = address >> 4 and size = 16: a mix of two entries breaks this.
        if (b.size != 16 || b.stack_id != static_cast<uint32_t>(b.address >> 4)) ++torn;
        const size_t t = (b.address >> 32) - 1;
        const size_t i = (b.address & 0xffffffff) / 32;
        // A snapshot spends a while on each block (its header and first bytes): the block must
        // stay unreleased all that time.
        for (int spin = 0; spin < 20; ++spin) {
          if (t < kThreads && i < kPerThread && freed[t][i].load(std::memory_order_acquire)) {
            ++released_seen;
            break;
          }
        }
      });
      ++visits;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([t] {
      const uintptr_t base = uintptr_t(t + 1) << 32;
      LiveBlock replaced, out;
      auto address_of = [base](uintptr_t i) { return base + i * 32 + (i % 2) * 16; };
      auto release = [&](uintptr_t i) {
        if (i % 3 != 0 && shadow.remove(address_of(i), &out, t % 2 ? &g_marks[t] : nullptr))
          freed[t][i].store(1, std::memory_order_release);
      };
      // Blocks stay live for 64 allocations, so that visits meet them before their release.
      constexpr uintptr_t kLifetime = 64;
      for (uintptr_t i = 0; i < kPerThread; ++i) {
        shadow.insert(block_at(address_of(i), 16, static_cast<uint32_t>(address_of(i) >> 4)),
                      &replaced);
        if (i >= kLifetime) release(i - kLifetime);
      }
      for (uintptr_t i = kPerThread - kLifetime; i < kPerThread; ++i) release(i);
    });
  for (auto& th : threads) th.join();
  done = true;
  visitor.join();
  EXPECT_GT(visits.load(), 0u);
  EXPECT_EQ(torn.load(), 0u);
  EXPECT_EQ(released_seen.load(), 0u);
  EXPECT_EQ(visit_all(shadow).size(), kThreads * ((kPerThread + 2) / 3));
  shadow.clear_for_tests();
}

}  // namespace
}  // namespace leakdbg::tracker
