// Which block a word points into, in a few memory reads: the scan asks this for every word
// of every root and every reached block, and most words that could be pointers are. The
// blocks (sorted by address) are grouped into spans, runs of blocks less than kSpanGap
// apart. Each span is cut into groups of 64 granules of 16 bytes (1 KiB); a group holds a
// bitmap of the granules where a block starts, a bitmap of the granules wholly inside a
// block, and the index of its first block. The block a
// word lies in is then the group's first block plus the number of starts at or below the
// word's granule, minus one: one load of the group, a population count, and, only when the
// word's granule is not wholly inside the block, one load of the block to check that the
// word is inside it. A span where two blocks start in one granule
// (never with glibc, whose chunks are at least 32 bytes apart) searches the group's blocks
// instead.
//
// Same answer as a binary search over all blocks: the last block starting at or below the
// word, if the word lies inside it (an interior pointer counts). No allocation: the caller
// gives the memory (the scan runs in a forked image whose allocator may be locked).
#pragma once

#include <cstddef>
#include <cstdint>

namespace leakdbg::tracker {

struct ScanBlock {
  uint64_t address;
  uint64_t size;  // requested; a pointer into [address, address + max(size, 1)) refers to it
};

inline uint64_t block_end(const ScanBlock& b) { return b.address + (b.size ? b.size : 1); }

class BlockIndex {
 public:
  static constexpr unsigned kGranuleShift = 4;
  static constexpr unsigned kGroupShift = kGranuleShift + 6;  // 64 granules a group
  // Blocks further apart than this start a new span: each KiB between two blocks of a span
  // costs 20 bytes of index, a span 40. At most 320 bytes of gap a block, however sparse
  // the heap (a block 16 KiB from the next touches a page of its own).
  static constexpr uint64_t kSpanGap = uint64_t{1} << 14;

  // Bytes of memory build() needs for `blocks` (sorted by address, distinct, not
  // overlapping).
  static size_t memory_bytes(const ScanBlock* blocks, size_t count);

  // Builds the index in `memory` (memory_bytes() long, 8-byte aligned). The blocks must
  // outlive the index.
  void build(const ScanBlock* blocks, size_t count, void* memory);

  // Whether `value` lies in [lowest block, end of the highest): one compare, which rejects
  // most words that are not pointers.
  bool in_range(uint64_t value) const { return value - lowest_ < extent_; }

  // The address find() reads first for `value` (in range), to prefetch it.
  const void* group_of(uint64_t value) const {
    const Span* span = span_of(value);
    return span ? &span->groups[(value - span->base) >> kGroupShift] : nullptr;
  }

  // Index of the block containing `value`, or -1.
  long find(uint64_t value) const { return confirm(candidate(value), value); }

  // find() in two steps, so that a caller looking up many words can prefetch the block
  // candidate() names (&block(at)) before confirm() reads it. candidate() reads the index
  // only: the last block starting at or below the value's granule (or -1).
  long candidate(uint64_t value) const {
    unsigned proof;
    return candidate(value, &proof);
  }
  // The same, and in *proof what the index alone proves: kInside, the value lies inside
  // that block (no need to confirm(), nor to read the block); with it kAtStart, the value is
  // the block's first byte. Most words that point into a block lie in a granule the block
  // covers whole, so the block's bounds are read only near its end.
  static constexpr unsigned kInside = 1, kAtStart = 2;
  long candidate(uint64_t value, unsigned* proof) const {
    *proof = 0;
    if (!in_range(value)) return -1;
    const Span* span = span_of(value);
    if (span == nullptr) return -1;
    const uint64_t offset = value - span->base;
    const Group& group = span->groups[offset >> kGroupShift];
    if (!span->one_start_per_granule) return search(group.first, (&group + 1)->first, value);
    // Starts in granules 0..bit of the group: the last of them; none means the block
    // before the group (a large block may cover it).
    const unsigned bit = (offset >> kGranuleShift) & 63;
    const uint64_t below = group.starts() & (~uint64_t{0} >> (63 - bit));
    // A covered granule lies inside one block, which starts at the granule's first byte
    // if a block starts in it at all.
    if (group.covered() >> bit & 1)
      *proof = kInside | ((below >> bit & 1) && (value & kGranuleMask) == 0 ? kAtStart : 0);
    return static_cast<long>(group.first) + popcount(below) - 1;
  }
  long confirm(long at, uint64_t value) const {
    if (at < 0) return -1;
    // A start in the value's own granule but above the value: the block before it.
    if (blocks_[at].address > value && --at < 0) return -1;
    const ScanBlock& b = blocks_[at];
    return value < block_end(b) && b.address <= value ? at : -1;
  }
  const ScanBlock& block(long at) const { return blocks_[at]; }

  size_t span_count() const { return span_count_; }

 private:
  static constexpr uint64_t kGranuleMask = (uint64_t{1} << kGranuleShift) - 1;
  struct Group {
    uint32_t first;     // the first block starting at or after the group's start
    uint32_t bits[2];   // granules where a block starts (4-byte words: 20 bytes a group)
    uint32_t cover[2];  // granules wholly inside one block, starting at its first byte if
                        // it starts there
    uint64_t starts() const { return bits[0] | uint64_t{bits[1]} << 32; }
    uint64_t covered() const { return cover[0] | uint64_t{cover[1]} << 32; }
  };
  // Without -mpopcnt the builtin is a library call; this is a few instructions.
  static unsigned popcount(uint64_t x) {
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return static_cast<unsigned>((x * 0x0101010101010101ull) >> 56);
  }
  struct Span {
    uint64_t start, end;  // [start, end): every block of the span lies inside
    uint64_t base;        // start rounded down to a group
    Group* groups;        // one per group from base to end, and one past the last
    bool one_start_per_granule;
  };

  // The last block of [from, to) starting at or below value; from - 1 when none does.
  long search(uint32_t from, uint32_t to, uint64_t value) const {
    while (to - from > 8) {
      const uint32_t mid = from + (to - from) / 2;
      if (blocks_[mid].address <= value)
        from = mid;
      else
        to = mid;
    }
    while (from < to && blocks_[from].address <= value) ++from;
    return static_cast<long>(from) - 1;
  }

  const Span* span_of(uint64_t value) const {
    // Most words that point into the heap point into its largest span (the main arena):
    // one compare instead of a search whose branches go either way.
    if (value - widest_->start < widest_->end - widest_->start) return widest_;
    if (span_count_ == 1) return nullptr;
    size_t lo = 0, hi = span_count_;
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (spans_[mid].end <= value)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo < span_count_ && spans_[lo].start <= value ? &spans_[lo] : nullptr;
  }

  // Marks granules [from, to) of a span (numbered from its base) covered.
  static void cover(Group* groups, uint64_t from, uint64_t to);

  const ScanBlock* blocks_ = nullptr;
  Span* spans_ = nullptr;
  size_t span_count_ = 0;
  static constexpr Span kNoSpan{};  // holds nothing: widest_ before build() or without blocks
  const Span* widest_ = &kNoSpan;   // the span with the most groups
  uint64_t lowest_ = 0, extent_ = 0;
};

}  // namespace leakdbg::tracker
