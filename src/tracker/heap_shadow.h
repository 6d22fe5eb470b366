// The live glibc heap blocks, kept in a shadow of the heap instead of a hash table: one
// 16-byte entry for every 32 bytes of heap address space, mapped on demand 64 MiB of heap
// (32 MiB of shadow, touched only where blocks lie) at a time.
//
// Why it is cheap: glibc's chunks are 16-byte aligned and at least 32 bytes long, so no two
// live blocks share a 32-byte granule and a block's entry sits at a fixed place: no hashing,
// no probing. And the allocator already orders every use of one address: the hook writes
// the entry after malloc returned the block and clears it before free gives it back, so
// two threads never write one entry at once. Recording an allocation is therefore two
// plain stores with no lock, and so is a release while no snapshot runs. A snapshot reads
// the blocks' chunk headers and first bytes, so it must keep them from being freed (and
// unmapped) under its feet: while it runs, a release takes the lock of its 256 KiB range of
// heap, and the snapshot holds that lock while it reads the range; a release that meets it
// held sleeps on it (sleeping_lock.h). The switch between the two is an asymmetric handshake: a
// release marks its thread busy, then reads the `visiting` flag with only a compiler barrier
// between; the snapshot sets the flag, makes every thread of the process execute a full barrier
// with membarrier(2), and waits for the busy marks seen then to clear. A release either saw the
// flag, or its busy mark is seen by the snapshot, which then waits for it. Without membarrier every
// release locks.
//
// What does not fit stays in the LiveTable (HeapShadow::insert says so): other allocators;
// sizes from 128 KiB, glibc's default mmap threshold, as such blocks are few and mapped all
// over the address space, where each would cost a segment; thread ids from 2^22; ticks from
// 2^28 (310 days).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "tracker/live_table.h"
#include "tracker/sleeping_lock.h"
#include "tracker/spin_lock.h"

namespace leakdbg::tracker {

class HeapShadow {
 public:
  static constexpr int kGranuleShift = 5;   // 32 bytes of heap per entry
  static constexpr int kSegmentShift = 26;  // 64 MiB of heap per shadow segment
  static constexpr int kRangeShift = 18;    // 256 KiB of heap per release lock
  static constexpr int kAddressBits = 47;   // user space without 5-level paging
  static constexpr uint64_t kMaxSize = (uint64_t{1} << 17) - 1;
  static constexpr uint32_t kMaxThread = (1u << 22) - 1;
  static constexpr uint32_t kMaxTick = (1u << 28) - 1;

  struct Entry {
    // valid | block at +16 in its granule | api | size | thread id's low bits (Word0Bits).
    // Written last and cleared first: a reader that sees it valid also sees the word1
    // written with it.
    std::atomic<uint64_t> word0;
    // stack id | thread id's high bits | tick (Word1Bits)
    std::atomic<uint64_t> word1;
  };
  static_assert(sizeof(Entry) == 16);

  // The bit fields of Entry::word0 and word1: the one definition pack and unpack share.
  struct Word0Bits {
    static constexpr uint64_t kValid = 1;            // bit 0
    static constexpr uint64_t kUpperHalf = 1u << 1;  // bit 1: the block starts at +16
    static constexpr int kApiShift = 2;              // bits 2-5
    static constexpr uint64_t kApiMask = 0xf;
    static constexpr int kSizeShift = 6;  // bits 6-45
    static constexpr uint64_t kSizeMask = (uint64_t{1} << 40) - 1;
    static constexpr int kThreadLowShift = 46;  // bits 46-63
    static constexpr int kThreadLowBits = 18;
    static constexpr uint64_t kThreadLowMask = (uint64_t{1} << kThreadLowBits) - 1;
  };
  struct Word1Bits {
    static constexpr uint64_t kStackMask = 0xffffffff;  // bits 0-31
    static constexpr int kThreadHighShift = 32;         // bits 32-35
    static constexpr uint64_t kThreadHighMask = 0xf;
    static constexpr int kTickShift = 36;  // bits 36-63
  };
  static constexpr uintptr_t kBlockAlignMask = 15;  // glibc's blocks are 16-byte aligned
  static constexpr uintptr_t kGranuleMask = (uintptr_t{1} << kGranuleShift) - 1;
  static constexpr uintptr_t kSegmentMask = (uintptr_t{1} << kSegmentShift) - 1;
  static_assert(Word0Bits::kApiMask == 15 && kMaxSize <= Word0Bits::kSizeMask &&
                kMaxThread >> Word0Bits::kThreadLowBits <= Word1Bits::kThreadHighMask &&
                kMaxTick <= (~uint64_t{0} >> Word1Bits::kTickShift));

  enum class Insert { kStored, kReplaced, kNotStorable };

  // Waits until every busy mark (see remove) set before the call has been cleared.
  using WaitForReleases = void (*)();

  // Asked each time the shadow has touched another kPagesPerBudgetCheck pages, with the
  // bytes touched so far: false stops it from touching more (blocks whose entry would lie
  // on an untouched page then go to the table). The shadow costs 16 bytes per 32 bytes of
  // heap wherever blocks lie, which is cheap for small blocks and half the heap for blocks
  // of a few KiB: this is the owner's chance to bound that.
  using Budget = bool (*)(size_t shadow_bytes);
  static constexpr size_t kPageBytes = 4096;
  static constexpr uint64_t kPagesPerBudgetCheck = 256;  // 1 MiB of shadow

  // Maps the segment directory; until then (and if it fails) every insert says
  // kNotStorable. Only for glibc's malloc, whose chunk layout the granule relies on.
  bool enable(WaitForReleases wait_for_releases, Budget budget = nullptr);
  bool full() const { return full_.load(std::memory_order_relaxed); }
  // In a forked child: membarrier registration is per process.
  void after_fork_in_child();
  bool enabled() const { return directory_.load(std::memory_order_acquire) != nullptr; }

  // kReplaced: an entry for a block the tracker never saw released was overwritten; it is
  // in *replaced. No lock: the caller owns the block (see the header comment).
  Insert insert(const LiveBlock& block, LiveBlock* replaced);
  // Starts loading the entry of the block at `address`, if the shadow covers it: a release
  // calls this first, so that the entry's cache miss (the largest single cost of a release
  // of a block allocated long ago) overlaps with the hook's other work.
  void prefetch(uintptr_t address) const {
    if (const Segment* segment = segment_for(address))
      __builtin_prefetch(&segment->entries[entry_index(address)], 1);
  }
  // Takes the block at `address` out; false if the shadow does not hold it. `busy` is the
  // calling thread's mark for the handshake (nullptr: take the range lock).
  bool remove(uintptr_t address, LiveBlock* removed, std::atomic<uint32_t>* busy);

  // Calls visit(const LiveBlock&) for every block held, in address order. Each 256 KiB range
  // is locked while it is visited: none of its blocks can be released meanwhile, so the
  // visitor may read their memory. Allocations go on; one that lands in the range being
  // visited may or may not be seen. One visit at a time.
  template <class Visit>
  void for_each_block(Visit&& visit) {
    visit_blocks<true>(visit, [] {});
  }
  // The same, calling between_ranges() after each range's lock was released: the place to
  // hand what was gathered on (write it out) without stalling a release in that range.
  template <class Visit, class BetweenRanges>
  void for_each_block(Visit&& visit, BetweenRanges&& between_ranges) {
    visit_blocks<true>(visit, between_ranges);
  }
  // The same without locks or handshake, for an image no other thread runs in (a forked
  // copy of the process taken while every thread was outside the tracker).
  template <class Visit>
  void for_each_block_quiescent(Visit&& visit) {
    visit_blocks<false>(visit, [] {});
  }

  // Fork handlers: every release sent to the locks and every lock held across fork(), so
  // that no entry is mid-release. The child calls reset_locks_in_child and then
  // after_fork_in_child.
  void lock_all();
  void unlock_all();
  void reset_locks_in_child();

  size_t memory_bytes() const;    // shadow pages touched, plus the segments' bookkeeping
  size_t reserved_bytes() const;  // address space mapped (part of raw_memory's figure)

  // Unmaps everything (tests only; no concurrent users allowed).
  void clear_for_tests();

  static constexpr int kRangesPerSegment = 1 << (kSegmentShift - kRangeShift);
  static constexpr size_t kEntriesPerRange = size_t{1} << (kRangeShift - kGranuleShift);
  static constexpr size_t kPageEntries = kPageBytes / sizeof(Entry);
  static constexpr int kPagesPerRange = static_cast<int>(kEntriesPerRange / kPageEntries);
  static constexpr int kTouchedWords = kRangesPerSegment * kPagesPerRange / 64;

  struct alignas(64) RangeLock {
    SleepingLock lock;  // a release may meet it held by a visit: it sleeps, not yields
  };
  struct Segment {
    RangeLock locks[kRangesPerSegment];
    uintptr_t base = 0;        // first heap address covered
    Entry* entries = nullptr;  // 2^21 entries, 32 MiB, mostly never touched
    // One bit per shadow page ever written: a visit reads only those (never clear: a page
    // of freed blocks is simply all invalid).
    std::atomic<uint64_t> touched[kTouchedWords];
  };

  static LiveBlock unpack(uintptr_t address_of_granule, uint64_t word0, uint64_t word1);
  // The index of the entry for `address` in its segment.
  static size_t entry_index(uintptr_t address) { return (address & kSegmentMask) >> kGranuleShift; }

 private:
  Segment* segment_for(uintptr_t address) const {
    std::atomic<Segment*>* directory = directory_.load(std::memory_order_acquire);
    if (directory == nullptr || address >> kAddressBits != 0) return nullptr;
    return directory[address >> kSegmentShift].load(std::memory_order_acquire);
  }
  // Sends releases to the range locks, and makes sure none is still on the lock-free path.
  void begin_visit();
  void end_visit();
  static bool take(Entry& entry, uintptr_t address, LiveBlock* removed);
  // Marks a shadow page touched, unless the budget is spent; false: not touched.
  bool touch_page(std::atomic<uint64_t>& word, size_t page);
  template <class Apply>
  void for_each_range_lock(Apply apply);
  template <bool kLocked, class Visit, class BetweenRanges>
  void visit_blocks(Visit& visit, BetweenRanges&& between_ranges);
  Segment* create_segment(uintptr_t address);

  // Indexed by address >> kSegmentShift; null until a block lands in that 64 MiB.
  std::atomic<std::atomic<Segment*>*> directory_{nullptr};
  // Segments in creation order, for visits and the fork handlers.
  std::atomic<Segment**> list_{nullptr};
  std::atomic<uint32_t> segment_count_{0};
  // Nonzero while a visit runs, and for good when membarrier is not available.
  std::atomic<uint32_t> visiting_{1};
  bool lock_free_releases_ = false;
  WaitForReleases wait_for_releases_ = nullptr;
  Budget budget_ = nullptr;
  std::atomic<bool> full_{false};  // the budget said no: touch no more pages
  // Their own cache line: every hook reads the fields above, and a segment's creation or a
  // page's first touch must not take that line away from the other cores.
  alignas(64) SpinLock create_lock_;
  std::atomic<uint64_t> touched_pages_{0};  // written when a page is first touched: here too
};

template <bool kLocked, class Visit, class BetweenRanges>
void HeapShadow::visit_blocks(Visit& visit, BetweenRanges&& between_ranges) {
  Segment** list = list_.load(std::memory_order_acquire);
  if (list == nullptr) return;
  if (kLocked) begin_visit();
  const uint32_t count = segment_count_.load(std::memory_order_acquire);
  // Address order over segments too: cheap to sort a handful of pointers here.
  uintptr_t done_below = 0;
  for (uint32_t n = 0; n < count; ++n) {
    Segment* next = nullptr;
    for (uint32_t i = 0; i < count; ++i)
      if (list[i]->base >= done_below && (next == nullptr || list[i]->base < next->base))
        next = list[i];
    if (next == nullptr) break;
    done_below = next->base + (uintptr_t{1} << kSegmentShift);
    for (int range = 0; range < kRangesPerSegment; ++range) {
      if (kLocked) next->locks[range].lock.lock();
      for (int page = 0; page < kPagesPerRange; ++page) {
        const int bit = range * kPagesPerRange + page;
        if (!(next->touched[bit / 64].load(std::memory_order_acquire) >> (bit % 64) & 1)) continue;
        const size_t first = static_cast<size_t>(bit) * kPageEntries;
        for (size_t e = first; e < first + kPageEntries; ++e) {
          const uint64_t word0 = next->entries[e].word0.load(std::memory_order_acquire);
          if (!(word0 & Word0Bits::kValid)) continue;
          const uint64_t word1 = next->entries[e].word1.load(std::memory_order_relaxed);
          visit(unpack(next->base + (e << kGranuleShift), word0, word1));
        }
      }
      if (kLocked) next->locks[range].lock.unlock();
      between_ranges();
    }
  }
  if (kLocked) end_visit();
}

}  // namespace leakdbg::tracker
