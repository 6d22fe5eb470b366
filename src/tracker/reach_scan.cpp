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
                     uint32_t* queue, uint8_t* state, fmt::ReferrerRecord* referrers,
                     size_t referrer_capacity)
    : blocks_(blocks),
      count_(count),
      out_(out),
      queue_(queue),
      state_(state),
      referrers_(referrers),
      referrer_capacity_(referrer_capacity) {
  for (size_t i = 0; i < count; ++i) {
    out_[i] = fmt::BlockReachRecord{};
    state_[i] = kUnseen;
  }
  if (count) {
    lowest_ = blocks[0].address;
    for (size_t i = 0; i < count; ++i)
      if (block_end(blocks[i]) > highest_) highest_ = block_end(blocks[i]);
  }
}

long ReachScan::find(uint64_t value) const {
  if (value < lowest_ || value >= highest_) return -1;
  if (index_) return index_->find(value);
  // Last block starting at or below value.
  size_t lo = 0, hi = count_;
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
  long found = find(value);
  if (found < 0) return;
  const auto index = static_cast<size_t>(found);
  ++found_;
  fmt::BlockReachRecord& target = out_[index];
  // Every pointer into the block is a referrer; the parent is recorded separately below.
  if (target.referrer_count < kReferrersKeptPerBlock && referrer_count_ < referrer_capacity_) {
    fmt::ReferrerRecord& r = referrers_[referrer_count_++];
    r = fmt::ReferrerRecord{};
    r.target = blocks_[index].address;
    r.slot = slot;
    r.tid = tid;
    r.kind = static_cast<uint8_t>(kind);
  } else {
    ++dropped_;
  }
  if (target.referrer_count != 0xFFFF) ++target.referrer_count;

  auto adopt = [&](uint8_t state, bool push) {
    state_[index] = state;
    target.parent_slot = slot;
    target.parent_tid = tid;
    target.parent_kind = static_cast<uint8_t>(kind);
    if (push) queue_[tail_++] = static_cast<uint32_t>(index);
  };
  const uint8_t state = state_[index];
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
  for (; at + 8 <= end; at += 8) {
    const uint64_t value = *reinterpret_cast<const uint64_t*>(at);
    if (value < lowest_ || value >= highest_) continue;
    const uint64_t slot = slot_is_index ? index_base + (at - begin) / 8 : at;
    visit(value, slot, kind, tid, phase);
  }
}

void ReachScan::scan_block(size_t index, Phase phase) {
  const ScanBlock& b = blocks_[index];
  block_bytes_ += b.size;
  scan_words(b.address, b.address + b.size, ReferrerKind::kBlock, 0, false, 0, phase);
}

void ReachScan::drain(Phase phase) {
  while (head_ < tail_) scan_block(queue_[head_++], phase);
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
    if (state_[i] == kInteriorHit) {
      state_[i] = kPossible;
      queue_[tail_++] = static_cast<uint32_t>(i);
    }
  drain(kFromPossible);
  // What is left is lost: each head in address order takes the lost blocks it points at.
  for (size_t i = 0; i < count_; ++i) {
    if (state_[i] != kUnseen) continue;
    state_[i] = kLostHead;
    leader_ = i;
    head_ = tail_ = 0;
    scan_block(i, kFromLost);
    drain(kFromLost);
  }
  for (size_t i = 0; i < count_; ++i) {
    ReachClass c = ReachClass::kUnknown;
    switch (state_[i]) {
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
