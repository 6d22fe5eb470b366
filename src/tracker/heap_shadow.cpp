#include "tracker/heap_shadow.h"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <new>

#include "tracker/raw_memory.h"

namespace leakdbg::tracker {
namespace {

constexpr size_t kDirectorySize = size_t{1}
                                  << (HeapShadow::kAddressBits - HeapShadow::kSegmentShift);
constexpr size_t kEntriesPerSegment = size_t{1}
                                      << (HeapShadow::kSegmentShift - HeapShadow::kGranuleShift);
using W0 = HeapShadow::Word0Bits;
using W1 = HeapShadow::Word1Bits;

int range_of(uintptr_t address) {
  return static_cast<int>((address & HeapShadow::kSegmentMask) >> HeapShadow::kRangeShift);
}
uint64_t half_bit(uintptr_t address) { return (address & 16) != 0 ? W0::kUpperHalf : 0; }
uintptr_t granule_of(uintptr_t address) { return address & ~HeapShadow::kGranuleMask; }

}  // namespace

LiveBlock HeapShadow::unpack(uintptr_t address_of_granule, uint64_t word0, uint64_t word1) {
  LiveBlock block;
  block.address = address_of_granule + ((word0 & W0::kUpperHalf) != 0 ? 16 : 0);
  block.api = static_cast<uint8_t>(word0 >> W0::kApiShift & W0::kApiMask);
  block.size = word0 >> W0::kSizeShift & W0::kSizeMask;
  block.stack_id = static_cast<uint32_t>(word1 & W1::kStackMask);
  block.thread_id = static_cast<uint32_t>(word0 >> W0::kThreadLowShift & W0::kThreadLowMask) |
                    static_cast<uint32_t>(word1 >> W1::kThreadHighShift & W1::kThreadHighMask)
                        << W0::kThreadLowBits;
  block.tick = static_cast<uint32_t>(word1 >> W1::kTickShift);
  return block;
}

namespace {

bool membarrier(int command) { return syscall(__NR_membarrier, command, 0, 0) == 0; }

}  // namespace

void HeapShadow::after_fork_in_child() {
  if (!lock_free_releases_) return;
  if (!membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)) {
    lock_free_releases_ = false;
    visiting_.store(1, std::memory_order_relaxed);
  }
}

void HeapShadow::begin_visit() {
  if (!lock_free_releases_) return;
  visiting_.store(1, std::memory_order_relaxed);
  if (!membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)) {
    // Not expected once registered; releases lock from now on. A release that read the flag
    // just before has its busy mark out of the store buffer within microseconds.
    lock_free_releases_ = false;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    usleep(1000);
  }
  wait_for_releases_();
}

void HeapShadow::end_visit() {
  if (lock_free_releases_) visiting_.store(0, std::memory_order_release);
}

bool HeapShadow::enable(WaitForReleases wait_for_releases, Budget budget) {
  if (enabled()) return true;
  SpinLockGuard guard(create_lock_);
  if (enabled()) return true;
  auto* list = static_cast<Segment**>(map_pages(kDirectorySize * sizeof(Segment*)));
  auto* directory = static_cast<std::atomic<Segment*>*>(
      map_pages(kDirectorySize * sizeof(std::atomic<Segment*>)));
  if (list == nullptr || directory == nullptr) {
    if (list) unmap_pages(list, kDirectorySize * sizeof(Segment*));
    if (directory) unmap_pages(directory, kDirectorySize * sizeof(std::atomic<Segment*>));
    return false;
  }
  wait_for_releases_ = wait_for_releases;
  budget_ = budget;
  if (wait_for_releases != nullptr && membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED)) {
    lock_free_releases_ = true;
    visiting_.store(0, std::memory_order_relaxed);
  }
  list_.store(list, std::memory_order_release);
  directory_.store(directory, std::memory_order_release);
  return true;
}

HeapShadow::Segment* HeapShadow::create_segment(uintptr_t address) {
  SpinLockGuard guard(create_lock_);
  std::atomic<Segment*>* directory = directory_.load(std::memory_order_acquire);
  if (directory == nullptr || address >> kAddressBits != 0) return nullptr;
  std::atomic<Segment*>& slot = directory[address >> kSegmentShift];
  if (Segment* existing = slot.load(std::memory_order_acquire)) return existing;
  void* memory = map_pages(sizeof(Segment));
  auto* entries = static_cast<Entry*>(map_pages(kEntriesPerSegment * sizeof(Entry)));
  if (memory == nullptr || entries == nullptr) {
    if (memory) unmap_pages(memory, sizeof(Segment));
    if (entries) unmap_pages(entries, kEntriesPerSegment * sizeof(Entry));
    return nullptr;
  }
  auto* segment = new (memory) Segment;
  segment->base = address & ~kSegmentMask;
  segment->entries = entries;
  const uint32_t count = segment_count_.load(std::memory_order_relaxed);
  list_.load(std::memory_order_relaxed)[count] = segment;
  segment_count_.store(count + 1, std::memory_order_release);
  slot.store(segment, std::memory_order_release);
  return segment;
}

bool HeapShadow::touch_page(std::atomic<uint64_t>& word, size_t page) {
  if (full_.load(std::memory_order_relaxed)) return false;
  const uint64_t bit = uint64_t{1} << (page % 64);
  if (word.fetch_or(bit, std::memory_order_release) & bit) return true;  // another thread's
  const uint64_t pages = touched_pages_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (pages % kPagesPerBudgetCheck == 0 && budget_ != nullptr && !budget_(pages * kPageBytes))
    full_.store(true, std::memory_order_relaxed);
  return true;
}

HeapShadow::Insert HeapShadow::insert(const LiveBlock& block, LiveBlock* replaced) {
  const uintptr_t address = block.address;
  if ((address & kBlockAlignMask) != 0 || block.size > kMaxSize || block.thread_id > kMaxThread ||
      block.tick > kMaxTick || block.api > W0::kApiMask)
    return Insert::kNotStorable;
  std::atomic<Segment*>* directory = directory_.load(std::memory_order_acquire);
  if (directory == nullptr || address >> kAddressBits != 0) return Insert::kNotStorable;
  Segment* segment = directory[address >> kSegmentShift].load(std::memory_order_acquire);
  if (segment == nullptr) [[unlikely]] {
    segment = create_segment(address);
    if (segment == nullptr) return Insert::kNotStorable;
  }
  const size_t index = entry_index(address);
  Entry& entry = segment->entries[index];
  const size_t page = index / kPageEntries;
  std::atomic<uint64_t>& touched = segment->touched[page / 64];
  if (!(touched.load(std::memory_order_relaxed) >> (page % 64) & 1)) [[unlikely]] {
    if (!touch_page(touched, page)) return Insert::kNotStorable;
  }

  const uint64_t old0 = entry.word0.load(std::memory_order_relaxed);
  const uint64_t word1 = uint64_t{block.stack_id} |
                         uint64_t{block.thread_id >> W0::kThreadLowBits} << W1::kThreadHighShift |
                         uint64_t{block.tick} << W1::kTickShift;
  const uint64_t word0 = W0::kValid | half_bit(address) | uint64_t{block.api} << W0::kApiShift |
                         block.size << W0::kSizeShift |
                         (uint64_t{block.thread_id} & W0::kThreadLowMask) << W0::kThreadLowShift;
  Insert result = Insert::kStored;
  if (old0 & W0::kValid) [[unlikely]] {
    *replaced = unpack(granule_of(address), old0, entry.word1.load(std::memory_order_relaxed));
    result = Insert::kReplaced;
  }
  entry.word1.store(word1, std::memory_order_relaxed);
  entry.word0.store(word0, std::memory_order_release);
  return result;
}

__attribute__((always_inline)) inline bool HeapShadow::take(Entry& entry, uintptr_t address,
                                                            LiveBlock* removed) {
  const uint64_t word0 = entry.word0.load(std::memory_order_relaxed);
  if (!(word0 & W0::kValid) || (word0 & W0::kUpperHalf) != half_bit(address)) return false;
  *removed = unpack(granule_of(address), word0, entry.word1.load(std::memory_order_relaxed));
  entry.word0.store(0, std::memory_order_relaxed);
  return true;
}

bool HeapShadow::remove(uintptr_t address, LiveBlock* removed, std::atomic<uint32_t>* busy) {
  Segment* segment = segment_for(address);
  if (segment == nullptr || (address & kBlockAlignMask) != 0) return false;
  Entry& entry = segment->entries[entry_index(address)];
  if (busy != nullptr) {
    busy->store(1, std::memory_order_relaxed);
    // Only the compiler is kept from reordering here: the visitor's membarrier turns this
    // into a full barrier exactly when it is needed (see the header comment).
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (visiting_.load(std::memory_order_relaxed) == 0) [[likely]] {
      const bool found = take(entry, address, removed);
      busy->store(0, std::memory_order_release);
      return found;
    }
    busy->store(0, std::memory_order_relaxed);
  }
  // The entry's cache miss overlaps with the locked instruction instead of following it.
  __builtin_prefetch(&entry, 1);
  SleepingLockGuard guard(segment->locks[range_of(address)].lock);
  return take(entry, address, removed);
}

template <class Apply>
void HeapShadow::for_each_range_lock(Apply apply) {
  Segment** list = list_.load(std::memory_order_acquire);
  const uint32_t count = segment_count_.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < count; ++i)
    for (RangeLock& range : list[i]->locks) apply(range.lock);
}

void HeapShadow::lock_all() {
  if (!enabled()) return;
  begin_visit();  // every release goes through the locks until unlock_all
  create_lock_.lock();
  for_each_range_lock([](SleepingLock& lock) { lock.lock(); });
}

void HeapShadow::unlock_all() {
  if (!enabled()) return;
  for_each_range_lock([](SleepingLock& lock) { lock.unlock(); });
  create_lock_.unlock();
  end_visit();
}

void HeapShadow::reset_locks_in_child() {
  if (!enabled()) return;
  for_each_range_lock([](SleepingLock& lock) { lock.reset(); });
  create_lock_.reset();
  end_visit();
}

size_t HeapShadow::memory_bytes() const {
  Segment** list = list_.load(std::memory_order_acquire);
  if (list == nullptr) return 0;
  const uint32_t count = segment_count_.load(std::memory_order_acquire);
  size_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    total += round_up_to_pages(sizeof(Segment));
    for (const auto& word : list[i]->touched)
      total +=
          static_cast<size_t>(__builtin_popcountll(word.load(std::memory_order_relaxed))) * 4096;
  }
  return total;
}

size_t HeapShadow::reserved_bytes() const {
  if (list_.load(std::memory_order_acquire) == nullptr) return 0;
  return 2 * round_up_to_pages(kDirectorySize * sizeof(Segment*)) +
         segment_count_.load(std::memory_order_acquire) *
             (round_up_to_pages(sizeof(Segment)) + kEntriesPerSegment * sizeof(Entry));
}

void HeapShadow::clear_for_tests() {
  Segment** list = list_.load(std::memory_order_acquire);
  std::atomic<Segment*>* directory = directory_.load(std::memory_order_acquire);
  if (list == nullptr) return;
  const uint32_t count = segment_count_.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < count; ++i) {
    unmap_pages(list[i]->entries, kEntriesPerSegment * sizeof(Entry));
    unmap_pages(list[i], sizeof(Segment));
  }
  unmap_pages(list, kDirectorySize * sizeof(Segment*));
  unmap_pages(directory, kDirectorySize * sizeof(std::atomic<Segment*>));
  list_.store(nullptr, std::memory_order_relaxed);
  directory_.store(nullptr, std::memory_order_relaxed);
  segment_count_.store(0, std::memory_order_relaxed);
  touched_pages_.store(0, std::memory_order_relaxed);
  full_.store(false, std::memory_order_relaxed);
}

}  // namespace leakdbg::tracker
