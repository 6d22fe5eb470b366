// Which block a word points into, in a few memory reads: the scan asks this for every word
// of every root and every reached block, and most words point nowhere. The blocks (sorted by
// address) are grouped into spans, runs of blocks less than kSpanGap apart; each span has
// one entry per 4 KiB page: the index of the first block starting at or after the page. A
// word is rejected by the span lookup (a few compares: spans are few), and otherwise only
// the blocks starting in its page, and the one before them, are candidates.
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
  static constexpr unsigned kPageShift = 12;
  // Blocks further apart than this start a new span: each page between two blocks of a span
  // costs 4 bytes of index, a span 24.
  static constexpr uint64_t kSpanGap = uint64_t{1} << 18;

  // Bytes of memory build() needs for `blocks` (sorted by address, distinct, not
  // overlapping).
  static size_t memory_bytes(const ScanBlock* blocks, size_t count);

  // Builds the index in `memory` (memory_bytes() long, 8-byte aligned). The blocks must
  // outlive the index.
  void build(const ScanBlock* blocks, size_t count, void* memory);

  // Index of the block containing `value`, or -1.
  long find(uint64_t value) const {
    if (value < lowest_ || value >= highest_) return -1;
    const Span* span = span_of(value);
    if (span == nullptr) return -1;
    const uint64_t page = (value >> kPageShift) - span->first_page;
    // Blocks starting in the word's page are [from, to); the one before them may be a
    // larger block covering the page's start.
    uint32_t from = span->entries[page], to = span->entries[page + 1];
    while (to - from > 8) {
      const uint32_t mid = from + (to - from) / 2;
      if (blocks_[mid].address <= value)
        from = mid;
      else
        to = mid;
    }
    while (from < to && blocks_[from].address <= value) ++from;
    if (from == 0) return -1;
    const ScanBlock& b = blocks_[from - 1];
    return value < block_end(b) && b.address <= value ? static_cast<long>(from - 1) : -1;
  }

  size_t span_count() const { return span_count_; }

 private:
  struct Span {
    uint64_t start, end;  // [start, end): every block of the span lies inside
    uint64_t first_page;  // start >> kPageShift
    uint32_t* entries;    // pages + 1 entries
  };

  const Span* span_of(uint64_t value) const {
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
  uint64_t lowest_ = 0, highest_ = 0;
};

}  // namespace leakdbg::tracker
