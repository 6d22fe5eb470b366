#include "tracker/reach_index.h"

#include <algorithm>

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

constexpr uint64_t kGroupBytes = uint64_t{1} << BlockIndex::kGroupShift;

uint64_t group_base(uint64_t address) { return address & ~(kGroupBytes - 1); }

// Groups from the start's group to the end's, and one past them.
uint64_t group_count(uint64_t start, uint64_t end) {
  return ((end - 1 - group_base(start)) >> BlockIndex::kGroupShift) + 2;
}

}  // namespace

void BlockIndex::cover(Group* groups, uint64_t from, uint64_t to) {
  while (from < to) {
    Group& group = groups[from >> 6];
    const unsigned first = from & 63;
    const uint64_t last = std::min<uint64_t>(to, (from | 63) + 1);  // exclusive, this group
    const unsigned n = static_cast<unsigned>(last - from);
    const uint64_t mask = (n == 64 ? ~uint64_t{0} : ((uint64_t{1} << n) - 1)) << first;
    group.cover[0] |= static_cast<uint32_t>(mask);
    group.cover[1] |= static_cast<uint32_t>(mask >> 32);
    from = last;
  }
}

size_t BlockIndex::memory_bytes(const ScanBlock* blocks, size_t count) {
  size_t bytes = 0;
  for_each_span(blocks, count, [&](size_t first, size_t, uint64_t end) {
    bytes += sizeof(Span) + group_count(blocks[first].address, end) * sizeof(Group);
  });
  return (bytes + 7) & ~size_t{7};
}

void BlockIndex::build(const ScanBlock* blocks, size_t count, void* memory) {
  blocks_ = blocks;
  span_count_ = 0;
  for_each_span(blocks, count, [&](size_t, size_t, uint64_t) { ++span_count_; });
  spans_ = static_cast<Span*>(memory);
  widest_ = &kNoSpan;
  uint64_t widest_groups = 0;
  auto* groups = reinterpret_cast<Group*>(spans_ + span_count_);
  size_t s = 0;
  lowest_ = count ? blocks[0].address : 0;
  uint64_t highest = lowest_;
  for_each_span(blocks, count, [&](size_t first, size_t last, uint64_t end) {
    Span& span = spans_[s++];
    span.start = blocks[first].address;
    span.end = end;
    span.base = group_base(span.start);
    span.groups = groups;
    span.one_start_per_granule = true;
    const uint64_t n = group_count(span.start, end);
    for (uint64_t g = 0; g < n; ++g)
      groups[g] = Group{static_cast<uint32_t>(last + 1), {0, 0}, {0, 0}};
    // Backwards, so that each group's `first` ends as its lowest block.
    uint64_t previous_granule = ~uint64_t{0};
    for (size_t i = last + 1; i-- > first;) {
      const uint64_t offset = blocks[i].address - span.base;
      const uint64_t granule = offset >> kGranuleShift;
      Group& group = groups[offset >> kGroupShift];
      group.first = static_cast<uint32_t>(i);
      group.bits[(granule >> 5) & 1] |= uint32_t{1} << (granule & 31);
      if (granule == previous_granule) span.one_start_per_granule = false;
      previous_granule = granule;
      // The granules wholly inside the block: from its first whole granule up to the last
      // granule that ends at or before its end.
      const uint64_t size = blocks[i].size ? blocks[i].size : 1;
      cover(groups, (offset + kGranuleMask) >> kGranuleShift, (offset + size) >> kGranuleShift);
    }
    // A group where no block starts: its first block is the next group's.
    for (uint64_t g = n - 1; g-- > 0;)
      if (groups[g].bits[0] == 0 && groups[g].bits[1] == 0) groups[g].first = groups[g + 1].first;
    if (n > widest_groups) {
      widest_ = &span;
      widest_groups = n;
    }
    groups += n;
    if (end > highest) highest = end;
  });
  extent_ = highest - lowest_;
}

}  // namespace leakdbg::tracker
