#include "unwind/walk_table.h"

#include <sys/mman.h>

#include <new>

namespace leakdbg::unwind {
namespace {

// Threads with a table at one time; later ones keep to their replays. At most
// kMaxTables * sizeof(WalkTable) (about 100 MiB) of address space, touched only where
// entries land.
constexpr int kMaxTables = 256;
constinit std::atomic<WalkTable*> g_tables[kMaxTables]{};

bool try_claim(std::atomic<bool>& in_use) {
  bool expected = false;
  return in_use.compare_exchange_strong(expected, true, std::memory_order_acquire);
}

}  // namespace

WalkTable* WalkTable::claim() {
  for (auto& slot : g_tables) {
    WalkTable* table = slot.load(std::memory_order_acquire);
    if (table == nullptr) break;  // slots fill in order
    if (try_claim(table->in_use_)) return table;
  }
  void* mem =
      mmap(nullptr, sizeof(WalkTable), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  // Zero pages: empty entries, a free table. Claimed before it is published.
  auto* fresh = new (mem) WalkTable;
  fresh->in_use_.store(true, std::memory_order_relaxed);
  for (auto& slot : g_tables) {
    WalkTable* expected = nullptr;
    if (slot.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) return fresh;
  }
  munmap(mem, sizeof(WalkTable));  // the pool is full
  return nullptr;
}

void WalkTable::release(WalkTable* table) {
  if (table != nullptr) table->in_use_.store(false, std::memory_order_release);
}

}  // namespace leakdbg::unwind
