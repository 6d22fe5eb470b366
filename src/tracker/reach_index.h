// Which block a word points into, in a few memory reads: the scan asks this for every word
// of every root and every reached block, and most words that could be pointers are. The
// blocks (sorted by address) are grouped into spans, runs of blocks less than kSpanGap
// apart. Each span is cut into groups of 64 granules of 16 bytes (1 KiB); a group holds a
// bitmap of the granules where a block starts and the index of its first block. The block a
// word lies in is then the group's first block plus the number of starts at or below the
// word's granule, minus one: one load of the group, a population count, one load of the
// block to check that the word is inside it. A span where two blocks start in one granule
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
  // costs 12 bytes of index, a span 40.
  static constexpr uint64_t kSpanGap = uint64_t{1} << 16;

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
    return static_cast<long>(group.first) + __builtin_popcountll(below) - 1;
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
  struct Group {
    uint32_t first;    // the first block starting at or after the group's start
    uint32_t bits[2];  // granules where a block starts (4-byte words: 12 bytes a group)
    uint64_t starts() const { return bits[0] | uint64_t{bits[1]} << 32; }
  };
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
    if (span_count_ == 1)
      return spans_[0].start <= value && value < spans_[0].end ? spans_ : nullptr;
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

  const ScanBlock* blocks_ = nullptr;
  Span* spans_ = nullptr;
  size_t span_count_ = 0;
  uint64_t lowest_ = 0, extent_ = 0;
};

}  // namespace leakdbg::tracker
