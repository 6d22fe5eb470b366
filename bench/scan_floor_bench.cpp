// The memory floor of scanning reach_bench's heap on this machine: the least work any scan
// of that heap must do, each part done the cheapest way we know, with reach_bench's busy
// thread running beside it (the scan runs in the background of a working program):
//   pointer pass  every word of every block read once, in address order; for each word
//                 that may be a pointer (inside the heap's bounds) one random read of a
//                 20-byte entry in a table of 20 bytes per KiB of heap (the density of the
//                 tracker's block index: which block is it in?) and one random 4-byte
//                 update in a table of 4 bytes per 512 bytes of heap (a mark and referrer
//                 count per block), both prefetched 16 pointers ahead;
//   block table   the live blocks' 32-byte entries sorted by address (std::sort) from the
//                 order of a hash table;
//   records       one 64-byte record per block written in order to fresh memory.
// Also timed, not in the floor's sum: the pointer pass with the update's place read from the
// index entry (dependent_pass_ms), as a scan that numbers its blocks must do it.
// What is not in it: finding the block that a word points into exactly, the breadth-first
// order that gives the shortest chains, roots, referrer records, the snapshot's own work.
// The tracker's scan (reach_bench) is compared with this floor in the same run
// (bench/reach_bench.sh).
//
// usage: scan_floor_bench [BLOCKS [ROUNDS]]  (defaults: 2000000, 3; the best round counts)
// Prints key=value pairs on one line: blocks, heap_bytes, pointers, read_ms (the pass
// without lookups), pointer_pass_ms, dependent_pass_ms, sort_ms, records_ms, floor_ms
// (pointer pass, sort and records summed), floor_gbps (heap bytes per second of floor_ms).
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "reach_heap.h"
#include "stall_meter.h"

namespace {

using leakdbg::bench::now_ns;

struct Entry {  // a live table's view of a block, as the tracker keeps it
  uint64_t address, size;
  uint32_t stack, thread, tick, api;
};
static_assert(sizeof(Entry) == 32);

void* fresh(size_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

struct Heap {
  std::vector<uint64_t> address, size;  // in address order
  uint64_t lowest = 0, extent = 0;
};

// Every word read once; `lookup` adds the two random accesses per possible pointer.
template <bool kLookup>
uint64_t pointer_pass(const Heap& heap, const uint8_t* index, uint32_t* marks, uint64_t* found) {
  constexpr size_t kRing = 32, kAhead = 16;
  uint64_t ring[kRing];
  size_t in = 0, out = 0;
  uint64_t sum = 0, pointers = 0;
  auto settle = [&](uint64_t offset) {
    const uint8_t* entry = index + (offset >> 10) * 20;
    uint32_t a, b;
    std::memcpy(&a, entry, 4);
    std::memcpy(&b, entry + 16, 4);
    sum += a ^ b;
    ++marks[offset >> 9];
  };
  for (size_t i = 0; i < heap.address.size(); ++i) {
    const auto* words = reinterpret_cast<const uint64_t*>(heap.address[i]);
    for (size_t w = 0, n = heap.size[i] / 8; w < n; ++w) {
      const uint64_t offset = words[w] - heap.lowest;
      if (offset >= heap.extent) continue;
      ++pointers;
      if (!kLookup) {
        sum += offset;  // keeps the pass from being folded away
        continue;
      }
      __builtin_prefetch(index + (offset >> 10) * 20);
      __builtin_prefetch(index + (offset >> 10) * 20 + 19);
      __builtin_prefetch(&marks[offset >> 9], 1);
      ring[in++ % kRing] = offset;
      if (in - out > kAhead) settle(ring[out++ % kRing]);
    }
  }
  while (out < in) settle(ring[out++ % kRing]);
  *found = pointers;
  return sum;
}

// The pointer pass as a scan that numbers blocks must do it: the update's place is the
// block's number, which only the index entry gives, so the two misses per pointer are
// dependent. Three stages as in the tracker's scan: prefetch the entry; 8 pointers later read
// it and prefetch the update's place; 8 more later update.
uint64_t dependent_pass(const Heap& heap, const uint8_t* index, uint32_t* marks) {
  constexpr size_t kRing = 32, kGroup = 8, kMark = 8;
  struct Pending {
    uint64_t offset;
    uint32_t mark;
  };
  Pending ring[kRing];
  size_t in = 0, read = 0, done = 0;
  uint64_t sum = 0;
  auto resolve = [&](Pending& p) {
    uint32_t first;
    std::memcpy(&first, index + (p.offset >> 10) * 20, 4);
    p.mark = first + ((p.offset >> 9) & 1);  // the entry keeps it in range
    __builtin_prefetch(&marks[p.mark], 1);
  };
  auto update = [&](const Pending& p) { sum += ++marks[p.mark]; };
  for (size_t i = 0; i < heap.address.size(); ++i) {
    const auto* words = reinterpret_cast<const uint64_t*>(heap.address[i]);
    for (size_t w = 0, n = heap.size[i] / 8; w < n; ++w) {
      const uint64_t offset = words[w] - heap.lowest;
      if (offset >= heap.extent) continue;
      __builtin_prefetch(index + (offset >> 10) * 20);
      __builtin_prefetch(index + (offset >> 10) * 20 + 19);
      ring[in++ % kRing].offset = offset;
      if (in - read > kGroup) resolve(ring[read++ % kRing]);
      if (read - done > kMark) update(ring[done++ % kRing]);
    }
  }
  while (read < in) resolve(ring[read++ % kRing]);
  while (done < read) update(ring[done++ % kRing]);
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 2'000'000;
  int rounds = 3;
  if (argc > 3 || (argc >= 2 && (count = std::strtoull(argv[1], nullptr, 10)) < 16) ||
      (argc == 3 && (rounds = std::atoi(argv[2])) < 1)) {
    std::fprintf(stderr, "usage: scan_floor_bench [BLOCKS [ROUNDS]]\n");
    return 2;
  }
  std::vector<void*> table(count);
  std::vector<size_t> sizes;
  const uint64_t heap_bytes = leakdbg::bench::build_reach_heap(table.data(), count, sizes);
  if (heap_bytes == 0) return 1;

  std::vector<Entry> hashed(count);
  for (size_t i = 0; i < count; ++i)
    hashed[i] = Entry{reinterpret_cast<uint64_t>(table[i]), sizes[i], uint32_t(i), 1, 2, 0};
  std::sort(hashed.begin(), hashed.end(), [](const Entry& a, const Entry& b) {
    return leakdbg::bench::reach_mix(a.address) < leakdbg::bench::reach_mix(b.address);
  });
  Heap heap;
  {
    std::vector<Entry> sorted = hashed;
    std::sort(sorted.begin(), sorted.end(),
              [](const Entry& a, const Entry& b) { return a.address < b.address; });
    for (const Entry& e : sorted) {
      heap.address.push_back(e.address);
      heap.size.push_back(e.size);
    }
    heap.lowest = sorted.front().address;
    heap.extent = sorted.back().address + sorted.back().size - heap.lowest;
  }
  const size_t index_bytes = (heap.extent >> 10) * 20 + 64;
  const size_t mark_bytes = ((heap.extent >> 9) + 1) * 4;
  auto* index = static_cast<uint8_t*>(fresh(index_bytes));
  auto* marks = static_cast<uint32_t*>(fresh(mark_bytes));
  if (!index || !marks) return 1;
  // As the tracker's copy asks for them: its random-access arrays on huge pages.
  madvise(index, index_bytes, MADV_HUGEPAGE);
  madvise(marks, mark_bytes, MADV_HUGEPAGE);
  // Each entry names a block, as the index's first block of a group does (here at random:
  // the words point at random blocks).
  // Below the last mark: the pass adds 0 or 1 without a division.
  const size_t mark_count = mark_bytes / 4;
  for (size_t e = 0; e + 20 <= index_bytes; e += 20) {
    const auto number = static_cast<uint32_t>(leakdbg::bench::reach_mix(e) % (mark_count - 1));
    std::memcpy(index + e, &number, 4);
    std::memset(index + e + 4, 1, 16);
  }

  leakdbg::bench::StallMeter meter;
  std::thread mutator([&] { meter.run(); });
  double best_read = 1e18, best_pass = 1e18, best_dependent = 1e18, best_sort = 1e18,
         best_records = 1e18;
  uint64_t pointers = 0, check = 0;
  for (int r = 0; r < rounds; ++r) {
    int64_t t = now_ns();
    check += pointer_pass<false>(heap, index, marks, &pointers);
    best_read = std::min(best_read, double(now_ns() - t) / 1e6);

    std::memset(marks, 0, mark_bytes);
    t = now_ns();
    check += pointer_pass<true>(heap, index, marks, &pointers);
    best_pass = std::min(best_pass, double(now_ns() - t) / 1e6);

    std::memset(marks, 0, mark_bytes);
    t = now_ns();
    check += dependent_pass(heap, index, marks);
    best_dependent = std::min(best_dependent, double(now_ns() - t) / 1e6);

    std::vector<Entry> entries = hashed;
    t = now_ns();
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.address < b.address; });
    best_sort = std::min(best_sort, double(now_ns() - t) / 1e6);
    check += entries[count / 2].address;

    t = now_ns();
    auto* records = static_cast<uint8_t*>(fresh(count * 64));
    if (!records) return 1;
    for (size_t i = 0; i < count; ++i) {
      uint64_t record[8] = {entries[i].address,
                            entries[i].size,
                            entries[i].stack,
                            0,
                            0,
                            0,
                            *reinterpret_cast<const uint64_t*>(entries[i].address),
                            *reinterpret_cast<const uint64_t*>(entries[i].address + 8)};
      std::memcpy(records + i * 64, record, 64);
    }
    best_records = std::min(best_records, double(now_ns() - t) / 1e6);
    check += records[count * 32];
    munmap(records, count * 64);
  }
  meter.stop = true;
  mutator.join();
  const double floor_ms = best_pass + best_sort + best_records;
  std::printf(
      "blocks=%zu heap_bytes=%llu pointers=%llu read_ms=%.0f pointer_pass_ms=%.0f "
      "dependent_pass_ms=%.0f sort_ms=%.0f "
      "records_ms=%.0f floor_ms=%.0f floor_gbps=%.2f check=%llu\n",
      count, static_cast<unsigned long long>(heap_bytes), static_cast<unsigned long long>(pointers),
      best_read, best_pass, best_dependent, best_sort, best_records, floor_ms,
      double(heap_bytes) / 1e9 / (floor_ms / 1e3), static_cast<unsigned long long>(check % 1000));
  for (void* block : table) std::free(block);
  return 0;
}
