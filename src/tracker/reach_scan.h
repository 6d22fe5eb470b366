// The reachability classification itself: given the live blocks (sorted by address) and the
// root ranges of one frozen moment, it finds which blocks a chain of pointers reaches, with
// valgrind memcheck's classes and rules:
//   reachable   a chain of pointers to block starts from a root;
//   possibly    a chain from a root exists, but only through some interior pointer;
//   unreachable nothing on a root's chain points at it (a leak's head);
//   indirect    pointed at only from unreachable blocks (the head's tree).
// Heads are chosen in address order, as valgrind does: of a cycle of lost blocks, the lowest
// is unreachable and the others indirect. Every pointer found into a block is a referrer;
// the first one that reached the block in breadth-first order is its parent, so following
// parents gives the shortest chain from a root.
//
// No allocation: every array is the caller's (the scan runs in a forked image of a process
// whose allocator may be locked). Memory is read directly: every range given must be
// readable.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/records.h"
#include "tracker/reach_index.h"

namespace leakdbg::tracker {

struct RootRange {
  uint64_t begin, end;  // words whose 8 bytes lie inside are read
  uint32_t tid;
  fmt::ReferrerKind kind;
  // Registers: the referrer's slot is the word's index from `index_base`, not its address.
  bool slot_is_index = false;
  uint64_t index_base = 0;
};

// Per block scratch of the scan: its state and how many pointers to it were found, apart
// from the records so that the work per pointer found touches 4 bytes of a dense array.
struct ScanMark {
  uint8_t state;
  uint8_t unused;
  uint16_t referrers;  // saturates at 65535
};

class ReachScan {
 public:
  // A block's referrers beyond its parent are kept up to this many (what `block` lists); the
  // caller bounds the total too, for the snapshot's size.
  static constexpr uint16_t kReferrersKeptPerBlock = 20;

  // `blocks` sorted by address, distinct (regions, if any, after them: use_regions).
  // `out` gets one record per block; `queue` and `marks` are scratch of `count` entries; referrers
  // beyond the parent go to `referrers` (up to `referrer_capacity`).
  ReachScan(const ScanBlock* blocks, size_t count, fmt::BlockReachRecord* out, uint32_t* queue,
            ScanMark* marks, fmt::ReferrerRecord* referrers, size_t referrer_capacity);

  // Answers find() through `index` (built over the same blocks) instead of a binary search
  // over all blocks: the same answers, much faster on large heaps.
  void use_index(const BlockIndex* index) { index_ = index; }

  // Items [first, count) are tracked mmap regions (sorted by address, after the heap
  // blocks, which the index covers): classified like blocks, found by a search of their
  // own, and scanned only where `readable` (sorted [start, end) ranges) says they may be
  // read. Lost heads among them come after the blocks'.
  void use_regions(size_t first, const uint64_t (*readable)[2], size_t readable_count);

  // Phase one takes the roots, then run() finishes the classification.
  void scan_root(const RootRange& root);
  // A pointer the runtime keeps on purpose that is not to the block's start (a thread's
  // DTV pointer is one element in): the block it is in counts as held from `slot`.
  void hold(uint64_t value, uint64_t slot, fmt::ReferrerKind kind, uint32_t tid);
  void run();

  size_t referrers_kept() const { return referrer_count_; }
  uint64_t referrers_found() const { return found_; }
  uint64_t referrers_dropped() const { return dropped_; }
  uint64_t root_bytes() const { return root_bytes_; }
  uint64_t block_bytes() const { return block_bytes_; }

  // Index of the block or region containing `value`, or -1.
  long find(uint64_t value) const;

 private:
  enum Phase { kFromReachable, kFromPossible, kFromLost };
  void scan_words(uint64_t begin, uint64_t end, fmt::ReferrerKind kind, uint32_t tid,
                  bool slot_is_index, uint64_t index_base, Phase phase);
  void visit(uint64_t value, uint64_t slot, fmt::ReferrerKind kind, uint32_t tid, Phase phase);
  void visit_block(size_t index, bool at_start, uint64_t slot, fmt::ReferrerKind kind, uint32_t tid,
                   Phase phase);
  // The lookups of the words scan_words() found in range go through a pipeline of three
  // stages, each a fixed distance behind the one before: prefetch the index's group, read
  // it and prefetch the block's mark (and bounds, when the index alone does not prove the
  // word inside), then visit. The words are visited in the order they were read, so the
  // result is the one visiting each at once would give; flush() finishes every pending
  // one, and runs before the kind, thread or phase of the words changes and before a queue
  // that ran dry is taken as done.
  struct Pending {
    uint64_t value, slot;
    long at;
    unsigned proof;
  };
  static constexpr size_t kPipeline = 32;  // a power of two, at least both distances
  static constexpr size_t kGroupDistance = 8, kBlockDistance = 8;
  void enqueue(uint64_t value, uint64_t slot);
  void resolve_next();
  void visit_next();
  void flush();
  void scan_block(size_t index, Phase phase);
  void drain(Phase phase);
  void drain_queued(Phase phase);
  long find_block(uint64_t value) const;
  long find_region(uint64_t value) const;
  void visit_region(uint64_t value, uint64_t slot, fmt::ReferrerKind kind, uint32_t tid,
                    Phase phase) {
    if (value - region_lowest_ >= region_extent_) return;
    const long found = find_region(value);
    if (found >= 0)
      visit_block(static_cast<size_t>(found), value == blocks_[found].address, slot, kind, tid,
                  phase);
  }

  const ScanBlock* blocks_;
  const BlockIndex* index_ = nullptr;
  size_t count_;
  size_t block_count_;  // items below are heap blocks, from here on regions
  uint64_t region_lowest_ = 0, region_extent_ = 0;  // extent 0: no regions
  const uint64_t (*readable_)[2] = nullptr;
  size_t readable_count_ = 0;
  fmt::BlockReachRecord* out_;
  uint32_t* queue_;
  ScanMark* marks_;
  fmt::ReferrerRecord* referrers_;
  size_t referrer_capacity_;
  size_t referrer_count_ = 0;
  size_t head_ = 0, tail_ = 0;
  size_t leader_ = 0;
  uint64_t lowest_ = 0, highest_ = 0;  // [lowest_, highest_) covers every block
  uint64_t found_ = 0, dropped_ = 0, root_bytes_ = 0, block_bytes_ = 0;
  Pending pending_[kPipeline];
  size_t enqueued_ = 0, resolved_ = 0, visited_ = 0;  // counts; positions modulo kPipeline
  fmt::ReferrerKind pending_kind_ = fmt::ReferrerKind::kNone;
  uint32_t pending_tid_ = 0;
  Phase pending_phase_ = kFromReachable;
};

}  // namespace leakdbg::tracker
