#include "analysis/heap_select.h"

#include <algorithm>
#include <set>

#include "util/error.h"
#include "util/units.h"

namespace leakdbg {

namespace {

const Arena* find_arena(const HeapModel& model, uint32_t index) {
  for (const Arena& arena : model.arenas)
    if (arena.index == index) return &arena;
  return nullptr;
}

bool is_main_arena(const HeapModel& model, uint32_t index) {
  const Arena* arena = find_arena(model, index);
  return arena ? arena->is_main : index == 0;
}

// Arenas the allocator reported plus any a block names (a figure may be missing).
std::set<uint32_t> known_arenas(const HeapModel& model) {
  std::set<uint32_t> arenas;
  for (const Arena& arena : model.arenas) arenas.insert(arena.index);
  for (const Block& block : model.blocks)
    if (!block.mmapped_chunk() && block.arena != kArenaUnknown) arenas.insert(block.arena);
  return arenas;
}

std::string known_heap_ids(const HeapModel& model) {
  std::string list;
  for (uint32_t index : known_arenas(model))
    list += heap_id(model, {HeapKind::kArena, index}) + ", ";
  return list + "mmap-chunks, other, mmap, mmap-file";
}

}  // namespace

bool HeapSelector::holds(const Block& block) const { return heap_of(block) == *this; }
bool HeapSelector::holds(const Region& region) const { return heap_of(region) == *this; }

HeapSelector heap_of(const Block& block) {
  if (block.mmapped_chunk()) return {HeapKind::kMmapChunks, 0};
  if (block.arena == kArenaUnknown) return {HeapKind::kOther, 0};
  return {HeapKind::kArena, block.arena};
}

HeapSelector heap_of(const Region& region) {
  return {region.file_backed() ? HeapKind::kMmapFile : HeapKind::kMmap, 0};
}

std::string heap_id(const HeapModel& model, const HeapSelector& heap) {
  switch (heap.kind) {
    case HeapKind::kArena:
      // A heap the source names (a Windows heap handle) keeps that name.
      if (const Arena* arena = find_arena(model, heap.arena); arena && !arena->name.empty())
        return arena->name;
      return is_main_arena(model, heap.arena) ? "main" : "arena" + std::to_string(heap.arena);
    case HeapKind::kMmapChunks:
      return "mmap-chunks";
    case HeapKind::kOther:
      return "other";
    case HeapKind::kMmap:
      return "mmap";
    case HeapKind::kMmapFile:
      return "mmap-file";
  }
  return "other";
}

std::string heap_alias(const HeapModel& model, const HeapSelector& heap) {
  if (heap.kind != HeapKind::kArena) return "";
  const Arena* arena = find_arena(model, heap.arena);
  // A named heap is already called by its handle: no alias repeating it.
  return arena && arena->address && arena->name.empty() ? format_hex(arena->address) : "";
}

HeapSelector parse_heap_id(const HeapModel& model, std::string_view id) {
  if (id == "mmap-chunks") return {HeapKind::kMmapChunks, 0};
  if (id == "other") return {HeapKind::kOther, 0};
  if (id == "mmap") return {HeapKind::kMmap, 0};
  if (id == "mmap-file") return {HeapKind::kMmapFile, 0};
  std::set<uint32_t> arenas = known_arenas(model);
  for (const Arena& arena : model.arenas)
    if (!arena.name.empty() && arena.name == id) return {HeapKind::kArena, arena.index};
  if (id == "main") {
    for (const Arena& arena : model.arenas)
      if (arena.is_main) return {HeapKind::kArena, arena.index};
    if (arenas.count(0)) return {HeapKind::kArena, 0};
  }
  if (id.starts_with("arena")) {
    std::optional<uint64_t> index = parse_number(id.substr(5), false);
    if (index && *index < kArenaUnknown && arenas.count(static_cast<uint32_t>(*index)) &&
        !is_main_arena(model, static_cast<uint32_t>(*index)))
      return {HeapKind::kArena, static_cast<uint32_t>(*index)};
  }
  // WinDbg users type heap handles as bare hex.
  if (std::optional<uint64_t> address = parse_number(id, true); address && *address != 0) {
    for (const Arena& arena : model.arenas)
      if (arena.address == *address) return {HeapKind::kArena, arena.index};
  }
  throw Error("unknown heap '" + std::string(id) +
              "' (this snapshot has: " + known_heap_ids(model) + ")");
}

}  // namespace leakdbg
