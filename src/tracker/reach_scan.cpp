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
  if (found >= 0)
    visit_block(static_cast<size_t>(found), value == blocks_[found].address, slot, kind, tid,
                phase);
}

void ReachScan::visit_block(size_t index, bool at_start, uint64_t slot, ReferrerKind kind,
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
      if (at_start) {
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
  if (enqueued_ != visited_ &&
      (kind != pending_kind_ || tid != pending_tid_ || phase != pending_phase_))
    flush();
  pending_kind_ = kind;
  pending_tid_ = tid;
  pending_phase_ = phase;
  const bool regions = region_extent_ != 0;
  for (; at + 8 <= end; at += 8) {
    const uint64_t value = *reinterpret_cast<const uint64_t*>(at);
    // Most words are not pointers: one compare (two with regions) rejects them.
    if (value - lowest_ >= extent && !(regions && value - region_lowest_ < region_extent_))
      continue;
    enqueue(value, slot_is_index ? index_base + (at - begin) / 8 : at);
  }
}

void ReachScan::enqueue(uint64_t value, uint64_t slot) {
  const void* group = index_->group_of(value);
  // In the blocks' range but in no span: only a region may hold it.
  if (group == nullptr && !(value - region_lowest_ < region_extent_)) return;
  if (group) __builtin_prefetch(group);
  Pending& p = pending_[enqueued_++ & (kPipeline - 1)];
  p.value = value;
  p.slot = slot;
  if (enqueued_ - resolved_ > kGroupDistance) resolve_next();
  if (resolved_ - visited_ > kBlockDistance) visit_next();
}

void ReachScan::resolve_next() {
  Pending& p = pending_[resolved_++ & (kPipeline - 1)];
  p.at = index_->candidate(p.value, &p.proof);
  if (p.at < 0) return;
  if (!(p.proof & BlockIndex::kInside)) __builtin_prefetch(&index_->block(p.at));
  __builtin_prefetch(&marks_[p.at], 1);
}

void ReachScan::visit_next() {
  const Pending& p = pending_[visited_++ & (kPipeline - 1)];
  if (p.proof & BlockIndex::kInside) {
    visit_block(static_cast<size_t>(p.at), p.proof & BlockIndex::kAtStart, p.slot, pending_kind_,
                pending_tid_, pending_phase_);
    return;
  }
  const long block = index_->confirm(p.at, p.value);
  if (block >= 0)
    visit_block(static_cast<size_t>(block), p.value == blocks_[block].address, p.slot,
                pending_kind_, pending_tid_, pending_phase_);
  else
    visit_region(p.value, p.slot, pending_kind_, pending_tid_, pending_phase_);
}

void ReachScan::flush() {
  while (resolved_ < enqueued_) resolve_next();
  while (visited_ < resolved_) visit_next();
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
  for (;;) {
    drain_queued(phase);
    // The pending lookups may queue more blocks.
    if (index_) flush();
    if (head_ == tail_) return;
  }
}

void ReachScan::drain_queued(Phase phase) {
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
  if (index_) flush();
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
