#include "tracker/stack_depot.h"

#include <cstring>
#include <new>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {
namespace {}  // namespace

// Each frame times its own odd constant, summed: the multiplies are independent, so they
// overlap instead of forming one chain as long as the stack (a chained hash cost more than
// the rest of interning). The final mix spreads every bit into the top ones, which pick the
// bucket. Distinct positions get distinct constants, so swapped frames hash apart.
uint64_t StackDepot::hash(const uintptr_t* frames, uint32_t depth) {
  constexpr uint64_t kStep = 0x9E3779B97F4A7C16ull;  // even: keeps every constant odd
  uint64_t a = depth, b = 0;
  uint64_t k = 0xD6E8FEB86659FD93ull;
  uint32_t i = 0;
  for (; i + 1 < depth; i += 2, k += 2 * kStep) {
    a += frames[i] * k;
    b += frames[i + 1] * (k + kStep);
  }
  if (i < depth) a += frames[i] * k;
  uint64_t h = a ^ (b >> 29 | b << 35);
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

bool StackDepot::same_frames(const Stack* s, uint64_t hash, const uintptr_t* frames,
                             uint32_t depth) {
  return s->hash == hash && s->depth == depth &&
         std::memcmp(s->frames(), frames, depth * sizeof(uintptr_t)) == 0;
}

bool StackDepot::ensure_tables() {
  if (buckets_.load(std::memory_order_acquire)) return true;
  // Called under insert_lock_, so only one thread gets here at a time.
  auto* by_id = static_cast<std::atomic<Stack*>*>(map_pages(kMaxStacks * sizeof(Stack*)));
  auto* buckets =
      static_cast<std::atomic<Stack*>*>(map_pages((size_t{1} << kBucketBits) * sizeof(Stack*)));
  if (!by_id || !buckets) {
    unmap_pages(by_id, kMaxStacks * sizeof(Stack*));
    unmap_pages(buckets, (size_t{1} << kBucketBits) * sizeof(Stack*));
    return false;
  }
  by_id_.store(by_id, std::memory_order_release);
  buckets_.store(buckets, std::memory_order_release);
  return true;
}

size_t StackDepot::untouched_reserve_bytes() const {
  if (by_id_.load(std::memory_order_acquire) == nullptr) return 0;
  const size_t reserved = round_up_to_pages(kMaxStacks * sizeof(Stack*));
  const size_t used = round_up_to_pages((size_t{count()} + 1) * sizeof(Stack*));
  return reserved > used ? reserved - used : 0;
}

StackDepot::Stack* StackDepot::allocate(size_t bytes) {
  bytes = (bytes + 15) & ~size_t{15};
  if (bytes > chunk_left_) {
    size_t chunk = bytes > kChunkBytes ? round_up_to_pages(bytes) : kChunkBytes;
    chunk_ = static_cast<char*>(map_pages(chunk));
    if (!chunk_) {
      chunk_left_ = 0;
      return nullptr;
    }
    chunk_left_ = chunk;
    memory_bytes_.fetch_add(chunk, std::memory_order_relaxed);
  }
  auto* stack = reinterpret_cast<Stack*>(chunk_);
  chunk_ += bytes;
  chunk_left_ -= bytes;
  return stack;
}

uint32_t StackDepot::intern(const uintptr_t* frames, uint32_t depth) {
  return intern(frames, depth, hash(frames, depth));
}

uint32_t StackDepot::intern(const uintptr_t* frames, uint32_t depth, uint64_t hash) {
  std::atomic<Stack*>* buckets = buckets_.load(std::memory_order_acquire);
  std::atomic<Stack*>* bucket = nullptr;
  if (buckets) {
    bucket = &buckets[hash >> (64 - kBucketBits)];
    for (Stack* s = bucket->load(std::memory_order_acquire); s;
         s = s->next.load(std::memory_order_acquire))
      if (same_frames(s, hash, frames, depth)) return s->id;
  }

  SpinLockGuard guard(insert_lock_);
  if (!ensure_tables()) return 0;
  buckets = buckets_.load(std::memory_order_relaxed);
  bucket = &buckets[hash >> (64 - kBucketBits)];
  Stack* head = bucket->load(std::memory_order_acquire);
  for (Stack* s = head; s; s = s->next.load(std::memory_order_acquire))
    if (same_frames(s, hash, frames, depth)) return s->id;

  uint32_t id = next_id_.load(std::memory_order_relaxed);
  if (id >= kMaxStacks) return 0;
  Stack* stack = allocate(sizeof(Stack) + depth * sizeof(uintptr_t));
  if (!stack) return 0;
  new (stack) Stack{};  // the chunk is zero-filled, but start the atomics' lifetimes properly
  stack->hash = hash;
  stack->id = id;
  stack->depth = depth;
  std::memcpy(stack->frames(), frames, depth * sizeof(uintptr_t));
  stack->next.store(head, std::memory_order_relaxed);
  by_id_.load(std::memory_order_relaxed)[id].store(stack, std::memory_order_release);
  next_id_.store(id + 1, std::memory_order_release);
  bucket->store(stack, std::memory_order_release);  // publish last: readers see it complete
  return id;
}

StackDepot::Stack* StackDepot::get(uint32_t id) const {
  if (id == 0 || id >= next_id_.load(std::memory_order_acquire)) return nullptr;
  return by_id_.load(std::memory_order_acquire)[id].load(std::memory_order_acquire);
}

}  // namespace leakdbg::tracker
