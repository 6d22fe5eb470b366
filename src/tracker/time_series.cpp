#include "tracker/time_series.h"

#include "tracker/spin_lock.h"

namespace leakdbg::tracker {
namespace {

// One hour of 10 Hz samples; a longer interval keeps the most recent hour.
constexpr size_t kCapacity = 36000;
SpinLock g_lock;
fmt::SampleRecord* g_ring = nullptr;
size_t g_next = 0;   // total samples ever added
size_t g_taken = 0;  // value of g_next at the last take

}  // namespace

void add_sample(const fmt::SampleRecord& sample) {
  SpinLockGuard guard(g_lock);
  if (!g_ring) {
    g_ring = static_cast<fmt::SampleRecord*>(map_pages(kCapacity * sizeof(fmt::SampleRecord)));
    if (!g_ring) return;
  }
  g_ring[g_next % kCapacity] = sample;
  ++g_next;
}

bool take_samples(ByteBuffer& out) {
  SpinLockGuard guard(g_lock);
  size_t first = g_taken;
  if (g_next - first > kCapacity) first = g_next - kCapacity;
  for (size_t i = first; i < g_next; ++i)
    if (!out.append(&g_ring[i % kCapacity], sizeof(fmt::SampleRecord))) return false;
  g_taken = g_next;
  return true;
}

void reset_samples_in_child() {
  g_lock.reset();
  g_taken = g_next;
}

}  // namespace leakdbg::tracker
