#include "procmem/model_knowledge.h"

#include <algorithm>
#include <map>
#include <set>

#include "util/error.h"
#include "util/units.h"

namespace leakdbg::procmem {

namespace {

constexpr uint64_t kChunkHeader = 16;  // prev_size + size in front of the user pointer

uint64_t page_down(uint64_t a) { return a - a % kPageBytes; }
uint64_t page_up(uint64_t a) { return a % kPageBytes ? a - a % kPageBytes + kPageBytes : a; }

std::string arena_label(const HeapModel& model, uint16_t index) {
  for (const auto& arena : model.arenas)
    if (arena.index == index)
      return (arena.is_main ? "main arena " : "arena ") + std::to_string(index);
  return "arena " + std::to_string(index);
}

bool is_main_arena(const HeapModel& model, uint16_t index) {
  for (const auto& arena : model.arenas)
    if (arena.index == index) return arena.is_main;
  return false;
}

const Mapping* mapping_containing(const std::vector<Mapping>& mappings, uint64_t address) {
  auto it = std::upper_bound(mappings.begin(), mappings.end(), address,
                             [](uint64_t a, const Mapping& m) { return a < m.start; });
  if (it == mappings.begin()) return nullptr;
  --it;
  return address < it->end ? &*it : nullptr;
}

}  // namespace

Knowledge knowledge_from_model(const HeapModel& model, const std::vector<Mapping>& mappings) {
  Knowledge k;
  for (const auto& t : model.threads) {
    if (t.stack_end <= t.stack_start) continue;
    std::string label = "thread " + std::to_string(t.tid);
    if (!t.name.empty()) label += " (" + t.name + ")";
    k.claims.push_back({t.stack_start, t.stack_end, MemType::kStack, label});
  }

  // Thread arena heaps: each 64 MiB region that holds an arena's malloc_state or one of its
  // blocks, reserve included.
  std::map<uint64_t, std::string> arena_regions;
  for (const auto& arena : model.arenas)
    if (!arena.is_main && arena.address)
      arena_regions.emplace(arena.address - arena.address % kArenaHeapAlign,
                            arena_label(model, static_cast<uint16_t>(arena.index)));
  const Mapping* brk = nullptr;
  for (const auto& m : mappings)
    if (m.path == "[heap]") brk = &m;
  std::set<const Mapping*> other_heap_mappings;
  for (const auto& b : model.blocks) {
    if (b.mmapped_chunk()) {
      uint64_t start = page_down(b.address - std::min(b.address, kChunkHeader));
      uint64_t end = page_up(b.address + (b.usable ? b.usable : b.size));
      k.claims.push_back({start, end, MemType::kHeap, "mmapped chunk"});
      continue;
    }
    if (brk && b.address >= brk->start && b.address < brk->end) continue;
    if (b.arena != kArenaUnknown && !is_main_arena(model, b.arena)) {
      uint64_t region = b.address - b.address % kArenaHeapAlign;
      if (!arena_regions.count(region)) arena_regions.emplace(region, arena_label(model, b.arena));
      continue;
    }
    // Main arena memory outside the brk heap (brk failed) or another allocator's pages.
    if (const Mapping* m = mapping_containing(mappings, b.address)) other_heap_mappings.insert(m);
  }
  for (const auto& [region, label] : arena_regions)
    k.claims.push_back({region, region + kArenaHeapAlign, MemType::kHeap, label + " heap"});
  for (const Mapping* m : other_heap_mappings)
    if (m->anonymous_memory() && m->path.empty())
      k.claims.push_back({m->start, m->end, MemType::kHeap, "heap blocks outside [heap]"});

  for (const auto& r : model.regions) {
    if (r.file_backed() || r.length == 0) continue;
    bool shared = r.flags & kRegionShared;
    k.claims.push_back({r.address, r.address + r.length,
                        shared ? MemType::kShareable : MemType::kPrivateData,
                        std::string("mmap region (tracked") +
                            (r.stack_id ? ", stack " + std::to_string(r.stack_id) : "") + ")"});
  }
  return k;
}

VmView view_of_model(const HeapModel& model) {
  std::string name = model.source_path.empty() ? "snapshot" : model.source_path;
  if (model.smaps.empty())
    throw Error(name + ": recorded no /proc/PID/smaps, so it has no memory map to show");
  std::vector<Mapping> mappings;
  try {
    mappings = parse_smaps(model.smaps);
  } catch (const Error& e) {
    throw Error(name + ": recorded smaps text is damaged: " + e.what());
  }
  std::optional<ProcStatus> status;
  if (!model.proc_status.empty()) {
    ProcStatus s = parse_proc_status(model.proc_status);
    if (s.valid) status = s;
  }
  Knowledge k = knowledge_from_model(model, mappings);
  return make_view(std::move(mappings), k, status);
}

}  // namespace leakdbg::procmem
