#include "tracker/reach_index.h"

namespace leakdbg::tracker {
namespace {

// Calls span(first, last, end) for each run of blocks [first, last] less than kSpanGap apart,
// `end` being the highest end among them.
template <class Emit>
void for_each_span(const ScanBlock* blocks, size_t count, Emit&& span) {
  size_t first = 0;
  uint64_t end = 0;
  for (size_t i = 0; i < count; ++i) {
    if (i > first && blocks[i].address > end + BlockIndex::kSpanGap) {
      span(first, i - 1, end);
      first = i;
      end = 0;
    }
    if (block_end(blocks[i]) > end) end = block_end(blocks[i]);
  }
  if (count) span(first, count - 1, end);
}

uint64_t page_count(uint64_t start, uint64_t end) {
  return ((end - 1) >> BlockIndex::kPageShift) - (start >> BlockIndex::kPageShift) + 1;
}

}  // namespace

size_t BlockIndex::memory_bytes(const ScanBlock* blocks, size_t count) {
  size_t bytes = 0;
  for_each_span(blocks, count, [&](size_t first, size_t, uint64_t end) {
    bytes += sizeof(Span) + (page_count(blocks[first].address, end) + 1) * sizeof(uint32_t);
  });
  return (bytes + 7) & ~size_t{7};
}

void BlockIndex::build(const ScanBlock* blocks, size_t count, void* memory) {
  blocks_ = blocks;
  span_count_ = 0;
  for_each_span(blocks, count, [&](size_t, size_t, uint64_t) { ++span_count_; });
  spans_ = static_cast<Span*>(memory);
  auto* entries = reinterpret_cast<uint32_t*>(spans_ + span_count_);
  size_t s = 0;
  lowest_ = count ? blocks[0].address : 0;
  highest_ = 0;
  for_each_span(blocks, count, [&](size_t first, size_t last, uint64_t end) {
    Span& span = spans_[s++];
    span.start = blocks[first].address;
    span.end = end;
    span.first_page = span.start >> kPageShift;
    span.entries = entries;
    const uint64_t pages = page_count(span.start, end);
    // entries[p]: the first block of the span starting at or after page p's start.
    size_t next = first;
    for (uint64_t p = 0; p <= pages; ++p) {
      const uint64_t page_start = (span.first_page + p) << kPageShift;
      while (next <= last && blocks[next].address < page_start) ++next;
      entries[p] = static_cast<uint32_t>(next);
    }
    entries += pages + 1;
    if (end > highest_) highest_ = end;
  });
}

}  // namespace leakdbg::tracker
