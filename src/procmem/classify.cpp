#include "procmem/classify.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>
#include <string_view>

namespace leakdbg::procmem {

namespace {

// pthread guard pages are one page by default; a larger PROT_NONE gap below a writable
// mapping is more likely a reservation than a guard.
constexpr uint64_t kMaxGuardSize = 1ull << 20;
// Bounds the memory reads spent walking one mapping for mmapped chunks.
constexpr int kMaxChunksPerMapping = 4096;

struct Base {
  MemType type = MemType::kPrivateData;
  std::string label;
  bool by_layout = false;  // a guess from neighbours, which the target's memory may overrule
};

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool is_system_image(std::string_view path) {
  return path == "[vdso]" || path == "[vvar]" || path == "[vsyscall]" || path == "[vvar_vclock]";
}

// Files that are really shared memory objects: MAP_SHARED|MAP_ANONYMOUS shows as
// "/dev/zero (deleted)", memfd_create as "/memfd:name (deleted)", SysV as "/SYSV<key>".
bool is_shared_memory_object(std::string_view path) {
  return starts_with(path, "/dev/zero") || starts_with(path, "/memfd:") ||
         starts_with(path, "/SYSV") || starts_with(path, "/dev/shm/") ||
         starts_with(path, "[anon_shmem:");
}

// An ELF object maps at least one executable segment; all its other segments (read-only
// data, relro, data, the PROT_NONE gaps between them) carry the same path.
std::set<std::string> image_paths(const std::vector<Mapping>& mappings) {
  std::set<std::string> paths;
  for (const auto& m : mappings)
    if (m.exec && !m.anonymous_memory() && !m.path.empty()) paths.insert(m.path);
  return paths;
}

bool read_words(const Knowledge& k, uint64_t address, uint64_t* words, size_t count) {
  return k.read_memory && k.read_memory(address, words, count * sizeof(uint64_t));
}

// glibc's heap_info {ar_ptr, prev, size, mprotect_size, ...} opens each thread arena heap.
// The first heap of an arena holds its malloc_state right after heap_info (ar_ptr ==
// heap + 0x30); later heaps of the same arena link back through prev.
enum class Probe { kUnreadable, kNo, kYes };
Probe probe_arena_heap(const Knowledge& k, const Mapping& m) {
  uint64_t w[4] = {};
  if (!read_words(k, m.start, w, 4)) return Probe::kUnreadable;
  uint64_t ar_ptr = w[0], prev = w[1], size = w[2], mprotect_size = w[3];
  bool sizes_ok = size > 0 && size <= kArenaHeapAlign && size % kPageBytes == 0 &&
                  mprotect_size >= size && mprotect_size <= kArenaHeapAlign;
  bool owner_ok =
      ar_ptr == m.start + 0x30 || (ar_ptr != 0 && prev != 0 && prev % kArenaHeapAlign == 0);
  return sizes_ok && owner_ok ? Probe::kYes : Probe::kNo;
}

// mmapped chunks start their mapping with prev_size 0 and size|IS_MMAPPED, size a page
// multiple. Adjacent ones may have been merged into one mapping by the kernel: walk them.
std::vector<std::pair<uint64_t, uint64_t>> probe_mmapped_chunks(const Knowledge& k,
                                                                const Mapping& m) {
  std::vector<std::pair<uint64_t, uint64_t>> chunks;
  uint64_t at = m.start;
  for (int i = 0; i < kMaxChunksPerMapping && at < m.end; ++i) {
    uint64_t w[2] = {};
    if (!read_words(k, at, w, 2)) break;
    uint64_t size = w[1] & ~uint64_t{7};
    if (w[0] != 0 || (w[1] & 7) != 2 || size == 0 || size % kPageBytes != 0 || size > m.end - at)
      break;
    chunks.emplace_back(at, at + size);
    at += size;
  }
  return chunks;
}

class Classifier {
 public:
  Classifier(const std::vector<Mapping>& mappings, const Knowledge& knowledge)
      : maps_(mappings), know_(knowledge), images_(image_paths(mappings)) {
    claims_ = knowledge.claims;
    std::stable_sort(claims_.begin(), claims_.end(),
                     [](const Claim& a, const Claim& b) { return a.start < b.start; });
    uint64_t running = 0;
    for (const auto& c : claims_) max_end_.push_back(running = std::max(running, c.end));
  }

  std::vector<Piece> run() {
    for (size_t i = 0; i < maps_.size(); ++i) split(i);
    attribute_reservations();
    return std::move(pieces_);
  }

 private:
  bool adjacent_below(size_t i) const { return i > 0 && maps_[i - 1].end == maps_[i].start; }

  Base base(size_t i) const {
    const Mapping& m = maps_[i];
    if (m.path == "[heap]") return {MemType::kHeap, "[heap] brk heap (main arena)"};
    if (m.path == "[stack]") return {MemType::kStack, "[stack] main thread"};
    if (is_system_image(m.path)) return {MemType::kImage, m.path};
    if (is_shared_memory_object(m.path))
      return {m.shared ? MemType::kShareable : MemType::kPrivateData, m.path};
    if (!m.anonymous_memory()) {
      if (images_.count(m.path)) return {MemType::kImage, m.path};
      return {MemType::kMappedFile, m.path};
    }
    if (m.shared) return {MemType::kShareable, m.path.empty() ? "shared anonymous" : m.path};
    if (m.no_access()) return {MemType::kReserved, m.path.empty() ? "PROT_NONE" : m.path};
    if (m.start % kArenaHeapAlign == 0 && m.write) {
      Probe probe = probe_arena_heap(know_, m);
      if (probe == Probe::kYes) return {MemType::kHeap, "thread arena heap (heap_info checked)"};
      if (probe == Probe::kUnreadable && arena_layout(i))
        return {MemType::kHeap, "thread arena heap (by layout)"};
    }
    if (m.write && adjacent_below(i) && maps_[i - 1].no_access() &&
        maps_[i - 1].anonymous_memory() && maps_[i - 1].size() <= kMaxGuardSize &&
        m.start % kArenaHeapAlign != 0)
      return {MemType::kStack, "thread stack (below it a guard page)", true};
    // ld.so maps the zero-filled tail of an object's data segment (.bss) anonymously,
    // right after the object's last file-backed segment.
    if (m.path.empty() && adjacent_below(i) && maps_[i - 1].write &&
        images_.count(maps_[i - 1].path))
      return {MemType::kImage, ".bss of " + maps_[i - 1].path};
    return {MemType::kPrivateData, m.path.empty() ? "private anonymous" : m.path};
  }

  // A 64 MiB-aligned writable mapping whose 64 MiB region is completed by a PROT_NONE
  // reservation (glibc reserves the whole region and opens it as the arena grows).
  bool arena_layout(size_t i) const {
    const Mapping& m = maps_[i];
    if (m.size() == kArenaHeapAlign) return true;
    if (i + 1 >= maps_.size()) return false;
    const Mapping& next = maps_[i + 1];
    return next.start == m.end && next.no_access() && next.anonymous_memory() &&
           next.end == m.start + kArenaHeapAlign;
  }

  void add(size_t i, uint64_t start, uint64_t end, MemType type, std::string label) {
    if (start >= end) return;
    pieces_.push_back({i, start, end, type, std::move(label)});
  }

  void split(size_t i) {
    const Mapping& m = maps_[i];
    auto first = std::upper_bound(max_end_.begin(), max_end_.end(), m.start) - max_end_.begin();
    uint64_t cursor = m.start;
    bool claimed = false;
    std::optional<Base> gap_type;
    auto gap = [&](uint64_t to) {
      if (cursor >= to) return;
      if (!gap_type) gap_type = base(i);
      add(i, cursor, to, gap_type->type, gap_type->label);
    };
    for (size_t c = static_cast<size_t>(first); c < claims_.size() && claims_[c].start < m.end;
         ++c) {
      const Claim& claim = claims_[c];
      uint64_t s = std::max(claim.start, cursor), e = std::min(claim.end, m.end);
      if (s >= e) continue;
      claimed = true;
      gap(s);
      add(i, s, e, claim.type, claim.label);
      cursor = e;
    }
    if (claimed) {
      gap(m.end);
      return;
    }
    Base b = base(i);
    if ((b.type == MemType::kPrivateData || b.by_layout) && m.path.empty() && m.write &&
        !m.shared) {
      for (auto [s, e] : probe_mmapped_chunks(know_, m)) {
        add(i, s, e, MemType::kHeap, "mmapped chunk (chunk header checked)");
        cursor = e;
      }
    }
    add(i, cursor, m.end, b.type, b.label);
  }

  // PROT_NONE pieces that belong to a stack (its guard page, just below it) or to a thread
  // arena (the not yet opened rest of its 64 MiB region) join that type: reserved, not
  // committed, as VMMap counts a heap's or stack's reserve in its own row.
  void attribute_reservations() {
    for (size_t p = 0; p < pieces_.size(); ++p) {
      Piece& piece = pieces_[p];
      const Mapping& m = maps_[piece.mapping];
      if (piece.type != MemType::kReserved || !m.no_access()) continue;
      if (p + 1 < pieces_.size() && pieces_[p + 1].start == piece.end &&
          pieces_[p + 1].type == MemType::kStack && piece.size() <= kMaxGuardSize) {
        piece.type = MemType::kStack;
        piece.label = "guard page of " + pieces_[p + 1].label;
        continue;
      }
      uint64_t region = piece.start - piece.start % kArenaHeapAlign;
      auto owner = std::upper_bound(pieces_.begin(), pieces_.end(), region,
                                    [](uint64_t a, const Piece& q) { return a < q.start; });
      if (owner == pieces_.begin()) continue;
      --owner;
      if (owner->start <= region && region < owner->end && owner->type == MemType::kHeap &&
          &*owner != &piece && piece.end <= region + kArenaHeapAlign) {
        piece.type = MemType::kHeap;
        piece.label = "reserve of " + owner->label;
      }
    }
  }

  const std::vector<Mapping>& maps_;
  const Knowledge& know_;
  std::set<std::string> images_;
  std::vector<Claim> claims_;
  std::vector<uint64_t> max_end_;  // running maximum of claim ends, for the first overlap
  std::vector<Piece> pieces_;
};

uint64_t scale(uint64_t value, uint64_t part, uint64_t whole) {
  if (part >= whole || whole == 0) return value;
  return static_cast<uint64_t>(static_cast<long double>(value) * static_cast<long double>(part) /
                               static_cast<long double>(whole));
}

}  // namespace

std::vector<Piece> classify(const std::vector<Mapping>& mappings, const Knowledge& knowledge) {
  return Classifier(mappings, knowledge).run();
}

Figures piece_figures(const Piece& piece, const Mapping& m) {
  Figures f;
  uint64_t part = piece.size(), whole = m.size();
  f.size = part;
  f.committed = m.no_access() ? 0 : part;
  f.private_bytes = scale(m.private_bytes(), part, whole);
  f.rss = scale(m.rss, part, whole);
  f.pss = scale(m.pss, part, whole);
  f.swap = scale(m.swap, part, whole);
  f.locked = scale(m.locked, part, whole);
  return f;
}

}  // namespace leakdbg::procmem
