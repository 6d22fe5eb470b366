#include "tracker/reach_scan.h"

namespace leakdbg::tracker {
namespace {

using fmt::ReachClass;
using fmt::ReferrerKind;

// Scan states; the classes are assigned from them at the end.
enum State : uint8_t {
  kUnseen = 0,
  kInteriorHit = 1,  // an interior pointer from a root or reachable block: possibly, unless
                     // a start pointer reaches it too
  kReachable = 2,
  kPossible = 3,
  kLostHead = 4,
  kIndirect = 5,
};

}  // namespace

ReachScan::ReachScan(const ScanBlock* blocks, size_t count, fmt::BlockReachRecord* out,
                     uint32_t* queue, ScanMark* marks, fmt::ReferrerRecord* referrers,
                     size_t referrer_capacity)
    : blocks_(blocks),
      count_(count),
      block_count_(count),
      out_(out),
      queue_(queue),
      marks_(marks),
      referrers_(referrers),
      referrer_capacity_(referrer_capacity) {
  for (size_t i = 0; i < count; ++i) {
    out_[i] = fmt::BlockReachRecord{};
    marks_[i] = ScanMark{kUnseen, 0, 0};
  }
  if (count) {
    lowest_ = blocks[0].address;
    for (size_t i = 0; i < count; ++i)
      if (block_end(blocks[i]) > highest_) highest_ = block_end(blocks[i]);
  }
}

void ReachScan::use_regions(size_t first, const uint64_t (*readable)[2], size_t readable_count) {
  block_count_ = first;
  readable_ = readable;
  readable_count_ = readable_count;
  lowest_ = highest_ = 0;
  if (first) {
    lowest_ = blocks_[0].address;
    for (size_t i = 0; i < first; ++i)
      if (block_end(blocks_[i]) > highest_) highest_ = block_end(blocks_[i]);
  }
  if (first < count_) {
    region_lowest_ = blocks_[first].address;
    uint64_t end = 0;
    for (size_t i = first; i < count_; ++i)
      if (block_end(blocks_[i]) > end) end = block_end(blocks_[i]);
    region_extent_ = end - region_lowest_;
  }
}

long ReachScan::find(uint64_t value) const {
  const long block = find_block(value);
  return block >= 0 ? block : find_region(value);
}

long ReachScan::find_region(uint64_t value) const {
  if (value - region_lowest_ >= region_extent_) return -1;
  size_t lo = block_count_, hi = count_;  // last region starting at or below value
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (blocks_[mid].address <= value)
      lo = mid;
    else
      hi = mid;
  }
  const ScanBlock& r = blocks_[lo];
  return r.address <= value && value < block_end(r) ? static_cast<long>(lo) : -1;
}

long ReachScan::find_block(uint64_t value) const {
  if (block_count_ == 0 || value < lowest_ || value >= highest_) return -1;
  if (index_) return index_->find(value);
  // Last block starting at or below value.
  size_t lo = 0, hi = block_count_;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (blocks_[mid].address <= value)
      lo = mid;
    else
      hi = mid;
  }
  if (blocks_[lo].address > value || value >= block_end(blocks_[lo])) return -1;
  return static_cast<long>(lo);
}

void ReachScan::visit(uint64_t value, uint64_t slot, ReferrerKind kind, uint32_t tid, Phase phase) {
  const long found = find(value);
  if (found >= 0) visit_block(static_cast<size_t>(found), value, slot, kind, tid, phase);
}

void ReachScan::visit_block(size_t index, uint64_t value, uint64_t slot, ReferrerKind kind,
                            uint32_t tid, Phase phase) {
  ++found_;
  ScanMark& mark = marks_[index];
  // Every pointer into the block is a referrer; the parent is recorded separately below.
  if (mark.referrers < kReferrersKeptPerBlock && referrer_count_ < referrer_capacity_) {
    fmt::ReferrerRecord& r = referrers_[referrer_count_++];
    r = fmt::ReferrerRecord{};
    r.target = blocks_[index].address;
    r.slot = slot;
    r.tid = tid;
    r.kind = static_cast<uint8_t>(kind);
  } else {
    ++dropped_;
  }
  if (mark.referrers != 0xFFFF) ++mark.referrers;

  auto adopt = [&](uint8_t state, bool push) {
    mark.state = state;
    fmt::BlockReachRecord& target = out_[index];
    target.parent_slot = slot;
    target.parent_tid = tid;
    target.parent_kind = static_cast<uint8_t>(kind);
    if (push) queue_[tail_++] = static_cast<uint32_t>(index);
  };
  const uint8_t state = mark.state;
  switch (phase) {
    case kFromReachable:
      if (value == blocks_[index].address) {
        if (state == kUnseen || state == kInteriorHit) adopt(kReachable, true);
      } else if (state == kUnseen) {
        adopt(kInteriorHit, false);
      }
      break;
    case kFromPossible:
      if (state == kUnseen) adopt(kPossible, true);
      break;
    case kFromLost:
      // A head found earlier becomes part of this head's tree; its own tree is already
      // indirect, so it need not be scanned again.
      if (state == kUnseen)
        adopt(kIndirect, true);
      else if (state == kLostHead && index != leader_)
        adopt(kIndirect, false);
      break;
  }
}

void ReachScan::scan_words(uint64_t begin, uint64_t end, ReferrerKind kind, uint32_t tid,
                           bool slot_is_index, uint64_t index_base, Phase phase) {
  uint64_t at = (begin + 7) & ~uint64_t{7};
  const uint64_t extent = highest_ - lowest_;
  if (index_ == nullptr) {
    for (; at + 8 <= end; at += 8) {
      const uint64_t value = *reinterpret_cast<const uint64_t*>(at);
      const uint64_t slot = slot_is_index ? index_base + (at - begin) / 8 : at;
      if (value - lowest_ >= extent)
        visit_region(value, slot, kind, tid, phase);
      else
        visit(value, slot, kind, tid, phase);
    }
    return;
  }
  // Words that may be pointers are looked up a batch at a time, each stage starting the
  // memory reads of the next for the whole batch: the index's groups, then the blocks'
  // bounds and marks are cache misses that overlap instead of following one another.
  constexpr size_t kBatch = 32;
  uint64_t values[kBatch], slots[kBatch];
  long found[kBatch];
  size_t n = 0;
  auto flush = [&] {
    for (size_t i = 0; i < n; ++i) __builtin_prefetch(index_->group_of(values[i]));
    // The candidate is nearly always the block (or the one before it, whose mark is next
    // to its own): its bounds and its mark are fetched together.
    for (size_t i = 0; i < n; ++i) {
      found[i] = index_->candidate(values[i]);
      if (found[i] >= 0) {
        __builtin_prefetch(&index_->block(found[i]));
        __builtin_prefetch(&marks_[found[i]], 1);
      }
    }
    for (size_t i = 0; i < n; ++i) {
      const long block = index_->confirm(found[i], values[i]);
      if (block >= 0)
        visit_block(static_cast<size_t>(block), values[i], slots[i], kind, tid, phase);
      else
        visit_region(values[i], slots[i], kind, tid, phase);
    }
    n = 0;
  };
  for (; at + 8 <= end; at += 8) {
    const uint64_t value = *reinterpret_cast<const uint64_t*>(at);
    if (value - lowest_ >= extent) {
      visit_region(value, slot_is_index ? index_base + (at - begin) / 8 : at, kind, tid, phase);
      continue;
    }
    values[n] = value;
    slots[n] = slot_is_index ? index_base + (at - begin) / 8 : at;
    if (++n == kBatch) flush();
  }
  flush();
}

void ReachScan::scan_block(size_t index, Phase phase) {
  const ScanBlock& b = blocks_[index];
  if (index < block_count_) {
    block_bytes_ += b.size;
    scan_words(b.address, b.address + b.size, ReferrerKind::kBlock, 0, false, 0, phase);
    return;
  }
  // A region: only its pages that are mapped readable now (mprotect, munmap behind the
  // tracker's back, guard pages).
  const uint64_t end = b.address + b.size;
  size_t lo = 0, hi = readable_count_;  // first readable range ending after the start
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (readable_[mid][1] <= b.address)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < readable_count_ && readable_[i][0] < end; ++i) {
    const uint64_t from = readable_[i][0] > b.address ? readable_[i][0] : b.address;
    const uint64_t to = readable_[i][1] < end ? readable_[i][1] : end;
    block_bytes_ += to - from;
    scan_words(from, to, ReferrerKind::kBlock, 0, false, 0, phase);
  }
}

void ReachScan::drain(Phase phase) {
  while (head_ < tail_) {
    // Queued blocks lie anywhere: the bounds of the block eight ahead, and the first lines
    // of the one two ahead (whose bounds were fetched six blocks ago), while this one is
    // scanned.
    if (head_ + 8 < tail_) __builtin_prefetch(&blocks_[queue_[head_ + 8]]);
    if (head_ + 2 < tail_) {
      const auto* next = reinterpret_cast<const char*>(blocks_[queue_[head_ + 2]].address);
      __builtin_prefetch(next);
      __builtin_prefetch(next + 64);
    }
    scan_block(queue_[head_++], phase);
  }
}

void ReachScan::scan_root(const RootRange& root) {
  if (root.end <= root.begin) return;
  root_bytes_ += root.end - root.begin;
  scan_words(root.begin, root.end, root.kind, root.tid, root.slot_is_index, root.index_base,
             kFromReachable);
}

void ReachScan::hold(uint64_t value, uint64_t slot, ReferrerKind kind, uint32_t tid) {
  const long found = find(value);
  if (found < 0) return;
  visit(blocks_[found].address, slot, kind, tid, kFromReachable);
}

void ReachScan::run() {
  // Start pointers from the roots and reachable blocks, breadth first.
  drain(kFromReachable);
  // Blocks only interior pointers reached, and everything they lead to.
  head_ = tail_ = 0;
  for (size_t i = 0; i < count_; ++i)
    if (marks_[i].state == kInteriorHit) {
      marks_[i].state = kPossible;
      queue_[tail_++] = static_cast<uint32_t>(i);
    }
  drain(kFromPossible);
  // What is left is lost: each head in address order takes the lost blocks it points at.
  for (size_t i = 0; i < count_; ++i) {
    if (marks_[i].state != kUnseen) continue;
    marks_[i].state = kLostHead;
    leader_ = i;
    head_ = tail_ = 0;
    scan_block(i, kFromLost);
    drain(kFromLost);
  }
  for (size_t i = 0; i < count_; ++i) {
    ReachClass c = ReachClass::kUnknown;
    switch (marks_[i].state) {
      case kReachable:
        c = ReachClass::kReachable;
        break;
      case kPossible:
        c = ReachClass::kPossibly;
        break;
      case kLostHead:
        c = ReachClass::kUnreachable;
        break;
      case kIndirect:
        c = ReachClass::kIndirect;
        break;
      default:
        break;
    }
    out_[i].reach_class = static_cast<uint8_t>(c);
    out_[i].referrer_count = marks_[i].referrers;
    // A head's own referrers (from lost blocks that later turned out to be its tree, or a
    // pointer to itself) are not a chain from a root.
    if (c == ReachClass::kUnreachable) {
      out_[i].parent_kind = static_cast<uint8_t>(ReferrerKind::kNone);
      out_[i].parent_slot = 0;
      out_[i].parent_tid = 0;
    }
  }
}

}  // namespace leakdbg::tracker
