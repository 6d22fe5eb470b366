// The tracker's process-wide state and the recording operations the hooks call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "format/records.h"
#include "tracker/config.h"
#include "tracker/heap_shadow.h"
#include "tracker/live_table.h"
#include "tracker/region_table.h"
#include "tracker/stack_depot.h"
#include "tracker/thread_state.h"

namespace leakdbg::tracker {

enum class TrackerMode : uint8_t {
  kUninitialized = 0,
  kPassive = 1,  // LEAKDBG_OUTPUT_DIR unset, or a forked child told to stop
  kTracking = 2,
  kStopped = 3,  // an internal failure switched tracking off
};

extern Config g_config;
// Live heap blocks: in the shadow when they fit it (glibc's malloc), else in the table.
extern HeapShadow g_shadow;
extern LiveTable g_live;
// Set once the first block went to g_live: until then releases skip its lookup.
extern std::atomic<bool> g_live_table_used;
// g_shadow's budget (HeapShadow::Budget): how much memory it may take for its blocks.
bool shadow_within_budget(size_t shadow_bytes);
extern StackDepot g_depot;
extern RegionTable g_regions;
extern std::atomic<TrackerMode> g_mode;
// Coarse allocation clock, advanced by the background thread; read relaxed per allocation.
extern std::atomic<uint32_t> g_tick;
inline constexpr uint64_t kTickNs = 100'000'000;  // 0.1 s
extern bool g_allocator_is_glibc;

struct Counters {
  std::atomic<uint64_t> mismatched_frees{0};
  std::atomic<uint64_t> unknown_frees{0};
  std::atomic<uint64_t> truncated_stacks{0};
  std::atomic<uint64_t> dropped_events{0};
};
extern Counters g_counters;

inline bool tracking() { return g_mode.load(std::memory_order_relaxed) == TrackerMode::kTracking; }

// How a block is released, to count releases that do not match the allocating API.
enum class ReleaseKind { kFree, kDelete, kDeleteArray, kDeleteAligned, kDeleteArrayAligned };

// All of these run inside the tracker: the caller holds a RecursionGuard.
void record_allocation(const RecursionGuard& guard, void* p, size_t size, fmt::ApiKind api);
// Forgets the block (before the real release, so its address cannot be handed out again in
// between). Returns false if it was not tracked.
bool record_release(const RecursionGuard& guard, void* p, ReleaseKind kind, LiveBlock* removed);
// Puts back a block taken out by record_release when the real call failed (realloc).
void restore_block(const RecursionGuard& guard, const LiveBlock& block);
void record_mapping(const RecursionGuard& guard, void* address, size_t length, int prot, int flags,
                    fmt::ApiKind api);
void record_unmapping(const RecursionGuard& guard, void* address, size_t length);

// Switches tracking off for good after an internal failure, with one stderr line.
void stop_tracking(const char* reason);

// Sets up everything on first use (from a hook or the library constructor).
void ensure_initialized();

}  // namespace leakdbg::tracker
