#include "tracker/glibc_heap.h"

#include <gnu/libc-version.h>
#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace leakdbg::tracker {
namespace {

constexpr uint64_t kIsMmapped = 2;
constexpr uint64_t kNonMainArena = 4;
constexpr uintptr_t kHeapMaxSize = uintptr_t{64} << 20;  // HEAP_MAX_SIZE on 64-bit
constexpr uintptr_t kThreadArenaOffset = 0x30;           // malloc_state after heap_info
constexpr size_t kArenaNextOffset = 0x870;               // malloc_state::next

// The struct offsets above hold for x86_64/aarch64 glibc 2.27 and later (have_fastchunks was
// added in 2.27); elsewhere the tracker does not walk arena memory.
bool arena_layout_known() {
#if defined(__x86_64__) || defined(__aarch64__)
  static const int known = [] {
    const char* version = gnu_get_libc_version();
    int major = 0, minor = 0;
    if (std::sscanf(version, "%d.%d", &major, &minor) != 2) return 0;
    return (major == 2 && minor >= 27) ? 1 : 0;
  }();
  return known != 0;
#else
  return false;
#endif
}

bool looks_like_thread_arena(uintptr_t address) {
  return address != 0 && (address & (kHeapMaxSize - 1)) == kThreadArenaOffset;
}

// Finds `<tag ... attribute="value"` and reads the number; false if absent before `limit`.
bool read_attribute(const char* start, const char* limit, const char* attribute, uint64_t* value) {
  size_t length = std::strlen(attribute);
  for (const char* p = start; p + length < limit; ++p) {
    if (std::memcmp(p, attribute, length) != 0) continue;
    *value = std::strtoull(p + length, nullptr, 10);
    return true;
  }
  return false;
}

// The element `<name type="kind" ... />` between start and limit.
const char* find_element(const char* start, const char* limit, const char* prefix) {
  size_t length = std::strlen(prefix);
  for (const char* p = start; p + length <= limit; ++p)
    if (std::memcmp(p, prefix, length) == 0) return p;
  return nullptr;
}

uint64_t element_value(const char* start, const char* limit, const char* prefix,
                       const char* attribute) {
  const char* element = find_element(start, limit, prefix);
  if (!element) return 0;
  const char* end = find_element(element, limit, "/>");
  uint64_t value = 0;
  read_attribute(element, end ? end : limit, attribute, &value);
  return value;
}

}  // namespace

ChunkFacts read_chunk(uintptr_t user_pointer) {
  ChunkFacts facts;
  uint64_t header;
  std::memcpy(&header, reinterpret_cast<const void*>(user_pointer - 8), sizeof header);
  uint64_t chunk_size = header & ~uint64_t{7};
  facts.mmapped = (header & kIsMmapped) != 0;
  facts.usable = facts.mmapped ? chunk_size - 16 : chunk_size - 8;
  if (!facts.mmapped && (header & kNonMainArena) && arena_layout_known()) {
    uintptr_t chunk = user_pointer - 16;
    uintptr_t arena;
    std::memcpy(&arena, reinterpret_cast<const void*>(chunk & ~(kHeapMaxSize - 1)), sizeof arena);
    if (looks_like_thread_arena(arena)) facts.arena = arena;
  }
  return facts;
}

int arena_ring(uintptr_t any_thread_arena, uintptr_t* out, int max) {
  if (!arena_layout_known() || !looks_like_thread_arena(any_thread_arena) || max < 1) return 0;
  // Walk the ring until back at the start, remembering where the main arena (the one member
  // that does not sit at a thread heap's start) is.
  uintptr_t ring[1024];
  int count = 0, main_index = -1;
  uintptr_t current = any_thread_arena;
  do {
    if (count == 1024 || current == 0 || (current & 7) != 0) return 0;
    if (!looks_like_thread_arena(current)) {
      if (main_index >= 0) return 0;  // two non-thread arenas: not the layout we expect
      main_index = count;
    }
    ring[count++] = current;
    std::memcpy(&current, reinterpret_cast<const void*>(current + kArenaNextOffset),
                sizeof current);
  } while (current != any_thread_arena);
  if (main_index < 0) return 0;
  int written = 0;
  for (int i = 0; i < count && written < max; ++i) out[written++] = ring[(main_index + i) % count];
  return written;
}

bool parse_malloc_info(const char* xml, size_t size, ByteBuffer& out) {
  const char* limit = xml + size;
  const char* p = xml;
  while ((p = find_element(p, limit, "<heap nr=\"")) != nullptr) {
    const char* end = find_element(p, limit, "</heap>");
    if (!end) return false;
    fmt::ArenaRecord record{};
    uint64_t nr = 0;
    read_attribute(p, end, "nr=\"", &nr);
    record.index = static_cast<uint32_t>(nr);
    record.is_main = nr == 0;
    const char* fast = find_element(p, end, "<total type=\"fast\"");
    const char* rest = find_element(p, end, "<total type=\"rest\"");
    if (fast) {
      const char* e = find_element(fast, end, "/>");
      read_attribute(fast, e ? e : end, "count=\"", &record.free_fast_count);
      read_attribute(fast, e ? e : end, "size=\"", &record.free_fast_bytes);
    }
    if (rest) {
      const char* e = find_element(rest, end, "/>");
      read_attribute(rest, e ? e : end, "count=\"", &record.free_rest_count);
      read_attribute(rest, e ? e : end, "size=\"", &record.free_rest_bytes);
    }
    record.system_current = element_value(p, end, "<system type=\"current\"", "size=\"");
    record.system_max = element_value(p, end, "<system type=\"max\"", "size=\"");
    record.aspace_total = element_value(p, end, "<aspace type=\"total\"", "size=\"");
    record.aspace_mprotect = element_value(p, end, "<aspace type=\"mprotect\"", "size=\"");
    if (!out.append(&record, sizeof record)) return false;
    p = end;
  }
  return true;
}

bool collect_arena_records(const uintptr_t* ring, int ring_size, ByteBuffer& out) {
  // open_memstream allocates through the real malloc: callers hold the recursion guard.
  char* text = nullptr;
  size_t text_size = 0;
  FILE* stream = open_memstream(&text, &text_size);
  if (!stream) return false;
  malloc_info(0, stream);
  std::fclose(stream);
  size_t first = out.size();
  bool ok = parse_malloc_info(text, text_size, out);
  std::free(text);
  if (!ok) return false;
  auto* records = reinterpret_cast<fmt::ArenaRecord*>(out.data() + first);
  size_t count = (out.size() - first) / sizeof(fmt::ArenaRecord);
  for (size_t i = 0; i < count; ++i)
    if (records[i].index < static_cast<uint32_t>(ring_size))
      records[i].address = ring[records[i].index];
  return true;
}

}  // namespace leakdbg::tracker
