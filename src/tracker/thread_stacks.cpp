#include "tracker/thread_stacks.h"

#include <atomic>

#include "tracker/raw_memory.h"
#include "unwind/stack_bounds.h"

namespace leakdbg::tracker {
namespace {

// Open addressing on the tid; entries are never removed (a dead thread's tid is rarely
// reused, and then the new thread overwrites it). Beyond this many threads, later ones go
// unrecorded.
constexpr uint32_t kSlots = 1u << 15;

struct Entry {
  std::atomic<uint32_t> tid;
  std::atomic<uint64_t> lo, hi;
};

std::atomic<Entry*> g_entries{nullptr};

Entry* entries() {
  Entry* table = g_entries.load(std::memory_order_acquire);
  if (table) return table;
  auto* fresh = static_cast<Entry*>(map_pages(sizeof(Entry) * kSlots));
  if (!fresh) return nullptr;
  if (!g_entries.compare_exchange_strong(table, fresh, std::memory_order_acq_rel)) {
    unmap_pages(fresh, sizeof(Entry) * kSlots);
    return table;
  }
  return fresh;
}

uint32_t home(uint32_t tid) { return (tid * 2654435761u) & (kSlots - 1); }

}  // namespace

void note_own_thread_stack(const RecursionGuard&, uint32_t tid) {
  if (tid == 0) return;
  const unwind::StackBounds& bounds = unwind::current_stack_bounds();
  Entry* table = entries();
  if (!table || bounds.hi <= bounds.lo) return;
  for (uint32_t i = home(tid), probes = 0; probes < kSlots; ++probes, i = (i + 1) & (kSlots - 1)) {
    uint32_t seen = table[i].tid.load(std::memory_order_acquire);
    if (seen == 0 && table[i].tid.compare_exchange_strong(seen, tid, std::memory_order_acq_rel))
      seen = tid;
    if (seen != tid) continue;
    table[i].lo.store(bounds.lo, std::memory_order_relaxed);
    table[i].hi.store(bounds.hi, std::memory_order_release);
    return;
  }
}

bool find_thread_stack(uint32_t tid, uint64_t* lo, uint64_t* hi) {
  Entry* table = g_entries.load(std::memory_order_acquire);
  if (!table || tid == 0) return false;
  for (uint32_t i = home(tid), probes = 0; probes < kSlots; ++probes, i = (i + 1) & (kSlots - 1)) {
    const uint32_t seen = table[i].tid.load(std::memory_order_acquire);
    if (seen == 0) return false;
    if (seen != tid) continue;
    *hi = table[i].hi.load(std::memory_order_acquire);
    *lo = table[i].lo.load(std::memory_order_relaxed);
    return *hi > *lo;
  }
  return false;
}

}  // namespace leakdbg::tracker
