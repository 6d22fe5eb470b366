// Deduplicated call stacks -> ids (>= 1; 0 = "no stack"), with per-stack site counters.
// Lookups walk a hash bucket without locks; only inserting a new stack takes the insert lock.
// Storage comes from never-freed mapped chunks, so a stack fetched by id stays valid for the
// life of the process (snapshots read it without any lock).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "tracker/spin_lock.h"

namespace leakdbg::tracker {

class StackDepot {
 public:
  struct Stack {
    std::atomic<Stack*> next;  // bucket chain
    uint64_t hash;
    uint32_t id;
    uint32_t depth;
    // Site counters since start, handed over by the threads' own tables (thread_counters.h).
    std::atomic<uint64_t> allocs;
    std::atomic<uint64_t> frees;
    std::atomic<uint64_t> bytes_allocated;
    std::atomic<uint64_t> bytes_freed;
    // `depth` return addresses, innermost first, stored right after the struct.
    uintptr_t* frames() { return reinterpret_cast<uintptr_t*>(this + 1); }
    const uintptr_t* frames() const { return reinterpret_cast<const uintptr_t*>(this + 1); }
  };

  // Id of this stack, inserting it if new; 0 if out of memory.
  uint32_t intern(const uintptr_t* frames, uint32_t depth);
  // The same with hash(frames, depth) already computed.
  uint32_t intern(const uintptr_t* frames, uint32_t depth, uint64_t hash);
  static uint64_t hash(const uintptr_t* frames, uint32_t depth);
  // True when s holds exactly these frames (hash: theirs).
  static bool same_frames(const Stack* s, uint64_t hash, const uintptr_t* frames, uint32_t depth);
  // nullptr for 0 or an unknown id.
  Stack* get(uint32_t id) const;
  uint32_t count() const { return next_id_.load(std::memory_order_acquire) - 1; }

  size_t memory_bytes() const { return memory_bytes_.load(std::memory_order_relaxed); }
  // The part of the id table's reservation that no id has reached yet (mapped, never
  // touched): not memory the tracker holds.
  size_t untouched_reserve_bytes() const;

  // Fork handlers.
  void lock() { insert_lock_.lock(); }
  void unlock() { insert_lock_.unlock(); }
  void reset_lock_in_child() { insert_lock_.reset(); }

 private:
  static constexpr uint32_t kBucketBits = 18;
  static constexpr uint32_t kMaxStacks = 1u << 24;  // id table reserve: 128 MiB virtual
  static constexpr size_t kChunkBytes = 1u << 20;

  bool ensure_tables();
  Stack* allocate(size_t bytes);

  std::atomic<std::atomic<Stack*>*> buckets_{nullptr};
  std::atomic<std::atomic<Stack*>*> by_id_{nullptr};
  std::atomic<uint32_t> next_id_{1};
  SpinLock insert_lock_;
  char* chunk_ = nullptr;  // bump allocation, under insert_lock_
  size_t chunk_left_ = 0;
  std::atomic<size_t> memory_bytes_{0};
};

}  // namespace leakdbg::tracker
