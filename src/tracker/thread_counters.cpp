// Per-thread tables behind thread_counters.h: site counts, live-set changes, release marks.
#include "tracker/thread_counters.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstring>

#include "tracker/spin_lock.h"
#include "tracker/tracker_state.h"
#include "unwind/unwind.h"

namespace leakdbg::tracker {
namespace {

constexpr uint32_t kSlots = kSiteCounterSlots;
// Threads alive at once that get a table; later ones count into the depot directly.
constexpr int kMaxTables = 8192;

// Written only by the owning thread (relaxed loads and stores, i.e. plain moves); read by
// snapshots, which may see a slot mid-update: the figures are statistics, not a ledger.
struct Slot {
  std::atomic<uint32_t> id;
  std::atomic<uint64_t> allocs, frees, bytes_allocated, bytes_freed;
};

struct ThreadTable {
  std::atomic<bool> in_use;
  // This thread's change of the live set (negative when it frees others' blocks).
  std::atomic<int64_t> live_blocks, live_bytes;
  std::atomic<uint32_t> releasing;  // see HeapShadow::remove
  Slot slot[kSlots];
};

constinit std::atomic<ThreadTable*> g_tables[kMaxTables] = {};
constinit std::atomic<int> g_table_count{0};
constinit SpinLock g_tables_lock;
// Live-set changes of threads without a table, and of ended threads.
constinit std::atomic<int64_t> g_other_live_blocks{0}, g_other_live_bytes{0};
pthread_key_t g_exit_key;
bool g_exit_key_ready = false;

// nullptr: not set up yet on this thread; kNoTable: count into the depot directly.
ThreadTable* const kNoTable = reinterpret_cast<ThreadTable*>(1);
__thread ThreadTable* t_table __attribute__((tls_model("initial-exec"))) = nullptr;

void add(std::atomic<uint64_t>& counter, uint64_t amount) {
  counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
}
void add(std::atomic<int64_t>& counter, int64_t amount) {
  counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
}

void hand_over(Slot& slot) {
  const uint32_t id = slot.id.load(std::memory_order_relaxed);
  if (id == 0) return;
  if (StackDepot::Stack* s = g_depot.get(id)) {
    // A site that only allocated (or only freed) on this thread skips two locked adds.
    if (const uint64_t allocs = slot.allocs.load(std::memory_order_relaxed)) {
      s->allocs.fetch_add(allocs, std::memory_order_relaxed);
      s->bytes_allocated.fetch_add(slot.bytes_allocated.load(std::memory_order_relaxed),
                                   std::memory_order_relaxed);
    }
    if (const uint64_t frees = slot.frees.load(std::memory_order_relaxed)) {
      s->frees.fetch_add(frees, std::memory_order_relaxed);
      s->bytes_freed.fetch_add(slot.bytes_freed.load(std::memory_order_relaxed),
                               std::memory_order_relaxed);
    }
  }
  slot.allocs.store(0, std::memory_order_relaxed);
  slot.frees.store(0, std::memory_order_relaxed);
  slot.bytes_allocated.store(0, std::memory_order_relaxed);
  slot.bytes_freed.store(0, std::memory_order_relaxed);
  slot.id.store(0, std::memory_order_relaxed);
}

// Thread exit (a pthread key destructor): the counts go to the depot and the table to the
// next new thread. Allocations later in this thread's exit count into the depot directly.
void release_table(void* value) {
  auto* table = static_cast<ThreadTable*>(value);
  for (Slot& slot : table->slot) hand_over(slot);
  g_other_live_blocks.fetch_add(table->live_blocks.exchange(0, std::memory_order_relaxed),
                                std::memory_order_relaxed);
  g_other_live_bytes.fetch_add(table->live_bytes.exchange(0, std::memory_order_relaxed),
                               std::memory_order_relaxed);
  table->in_use.store(false, std::memory_order_release);
  t_table = kNoTable;
  // The same exit returns the unwinder's per-thread walk table to its pool.
  unwind::release_thread_caches();
}

ThreadTable* claim_table() {
  ThreadTable* table = nullptr;
  {
    SpinLockGuard guard(g_tables_lock);
    const int count = g_table_count.load(std::memory_order_relaxed);
    for (int i = 0; i < count && !table; ++i) {
      ThreadTable* candidate = g_tables[i].load(std::memory_order_relaxed);
      if (!candidate->in_use.load(std::memory_order_acquire)) table = candidate;
    }
    if (!table && count < kMaxTables) {
      table = static_cast<ThreadTable*>(map_pages(sizeof(ThreadTable)));
      if (table) {
        g_tables[count].store(table, std::memory_order_release);
        g_table_count.store(count + 1, std::memory_order_release);
      }
    }
    if (table) table->in_use.store(true, std::memory_order_relaxed);
  }
  // Without the exit hook the table would stay claimed after the thread is gone.
  if (!table || !g_exit_key_ready || pthread_setspecific(g_exit_key, table) != 0) {
    if (table) table->in_use.store(false, std::memory_order_release);
    return kNoTable;
  }
  return table;
}

inline ThreadTable* thread_table() {
  ThreadTable* table = t_table;
  if (table == nullptr) [[unlikely]]
    table = t_table = claim_table();
  return table;
}

__attribute__((always_inline)) inline void change_live(int64_t blocks, int64_t bytes) {
  ThreadTable* table = thread_table();
  if (table == kNoTable) [[unlikely]] {
    g_other_live_blocks.fetch_add(blocks, std::memory_order_relaxed);
    g_other_live_bytes.fetch_add(bytes, std::memory_order_relaxed);
    return;
  }
  add(table->live_blocks, blocks);
  add(table->live_bytes, bytes);
}

// The slot counting stack `id` on this thread, or nullptr to count into the depot.
inline Slot* slot_for(uint32_t id) {
  ThreadTable* table = thread_table();
  if (table == kNoTable) [[unlikely]]
    return nullptr;
  Slot& slot = table->slot[id & (kSlots - 1)];
  if (slot.id.load(std::memory_order_relaxed) != id) [[unlikely]] {
    hand_over(slot);
    slot.id.store(id, std::memory_order_relaxed);
  }
  return &slot;
}

}  // namespace

namespace {

using SlotCounter = std::atomic<uint64_t> Slot::*;
using DepotCounter = std::atomic<uint64_t> StackDepot::Stack::*;

// Adds `events` and `bytes` to one pair of counters of the site. Unsigned wrap-around lets
// the same code take counts back (uncount_free adds the two's complement).
template <SlotCounter kEvents, SlotCounter kBytes, DepotCounter kDepotEvents,
          DepotCounter kDepotBytes>
inline void count(uint32_t stack_id, uint64_t events, uint64_t bytes) {
  if (stack_id == 0) return;
  if (Slot* slot = slot_for(stack_id)) {
    add(slot->*kEvents, events);
    add(slot->*kBytes, bytes);
  } else if (StackDepot::Stack* s = g_depot.get(stack_id)) {
    (s->*kDepotEvents).fetch_add(events, std::memory_order_relaxed);
    (s->*kDepotBytes).fetch_add(bytes, std::memory_order_relaxed);
  }
}

constexpr auto count_allocs =
    count<&Slot::allocs, &Slot::bytes_allocated, &StackDepot::Stack::allocs,
          &StackDepot::Stack::bytes_allocated>;
constexpr auto count_frees = count<&Slot::frees, &Slot::bytes_freed, &StackDepot::Stack::frees,
                                   &StackDepot::Stack::bytes_freed>;

}  // namespace

void count_alloc(const RecursionGuard&, uint32_t stack_id, uint64_t bytes) {
  change_live(1, static_cast<int64_t>(bytes));
  count_allocs(stack_id, 1, bytes);
}

void count_free(const RecursionGuard&, uint32_t stack_id, uint64_t bytes) {
  change_live(-1, -static_cast<int64_t>(bytes));
  count_frees(stack_id, 1, bytes);
}

void uncount_free(const RecursionGuard&, uint32_t stack_id, uint64_t bytes) {
  change_live(1, static_cast<int64_t>(bytes));
  count_frees(stack_id, ~uint64_t{0}, 0 - bytes);
}

std::atomic<uint32_t>* release_mark() {
  ThreadTable* table = thread_table();
  return table == kNoTable ? nullptr : &table->releasing;
}

void wait_for_release_marks() {
  const int count = g_table_count.load(std::memory_order_acquire);
  for (int i = 0; i < count; ++i) {
    const ThreadTable* table = g_tables[i].load(std::memory_order_acquire);
    // This thread's own mark can only be set if a signal handler interrupted its release
    // and then forked: that release resumes after we return, waiting for it would hang.
    if (table == t_table) continue;
    for (int spins = 0; table->releasing.load(std::memory_order_acquire) != 0; ++spins) {
      if (spins > 64)
        sched_yield();  // the releasing thread may be descheduled on a busy machine
      else
        cpu_relax();
    }
  }
}

void count_vanished(const RecursionGuard&, uint64_t bytes) {
  change_live(-1, -static_cast<int64_t>(bytes));
}

LiveTotals live_totals() {
  int64_t blocks = g_other_live_blocks.load(std::memory_order_relaxed);
  int64_t bytes = g_other_live_bytes.load(std::memory_order_relaxed);
  const int count = g_table_count.load(std::memory_order_acquire);
  for (int i = 0; i < count; ++i) {
    const ThreadTable* table = g_tables[i].load(std::memory_order_acquire);
    blocks += table->live_blocks.load(std::memory_order_relaxed);
    bytes += table->live_bytes.load(std::memory_order_relaxed);
  }
  // A sum taken while threads move blocks between them can dip below zero for an instant.
  return LiveTotals{blocks > 0 ? static_cast<uint64_t>(blocks) : 0,
                    bytes > 0 ? static_cast<uint64_t>(bytes) : 0};
}

bool collect_pending_site_counts(uint32_t stack_count, ByteBuffer& out) {
  const size_t bytes = (size_t{stack_count} + 1) * sizeof(SiteTotals);
  out.clear();
  char* room = out.extend(bytes);
  if (!room) return false;
  std::memset(room, 0, bytes);
  out.commit(bytes);
  auto* totals = reinterpret_cast<SiteTotals*>(out.data());
  const int count = g_table_count.load(std::memory_order_acquire);
  for (int i = 0; i < count; ++i) {
    const ThreadTable* table = g_tables[i].load(std::memory_order_acquire);
    for (const Slot& slot : table->slot) {
      const uint32_t id = slot.id.load(std::memory_order_relaxed);
      if (id == 0 || id > stack_count) continue;
      SiteTotals& t = totals[id];
      t.allocs += slot.allocs.load(std::memory_order_relaxed);
      t.frees += slot.frees.load(std::memory_order_relaxed);
      t.bytes_allocated += slot.bytes_allocated.load(std::memory_order_relaxed);
      t.bytes_freed += slot.bytes_freed.load(std::memory_order_relaxed);
    }
  }
  return true;
}

void start_site_counters() {
  if (!g_exit_key_ready) g_exit_key_ready = pthread_key_create(&g_exit_key, release_table) == 0;
}

}  // namespace leakdbg::tracker
