// Memory for the tracker's own tables, straight from the kernel. Never malloc (the tracker
// sits under it) and never the hooked mmap (these mappings are not the program's).
#pragma once

#include <cstddef>
#include <cstdint>

namespace leakdbg::tracker {

// Anonymous private read-write pages, zero-filled; nullptr on failure. Pages cost RSS only
// once touched, so callers may reserve generously.
void* map_pages(size_t bytes);
void unmap_pages(void* address, size_t bytes);
size_t round_up_to_pages(size_t bytes);

// Bytes currently mapped by map_pages (for the tracker's own-memory figure).
size_t mapped_bytes();

// Shared anonymous pages (they stay shared with a forked child): zero-filled, counted and
// listed like map_pages; release with unmap_pages.
void* map_shared_pages(size_t bytes);

// The tracker's own mappings, listed so that a reachability scan does not take the
// addresses in its tables for the program's pointers. Copies up to `max` [start, end)
// ranges; returns how many there are (more than `max`: the list did not fit, and then
// neither does it when the registry itself overflowed: see own_ranges_complete).
size_t copy_own_ranges(uint64_t (*ranges)[2], size_t max);
bool own_ranges_complete();
// In a child after fork(): another thread may have held the registry's lock.
void reset_own_ranges_lock_in_child();

// A growable byte buffer on map_pages: snapshot scratch, file contents.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ~ByteBuffer() { release(); }
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  bool reserve(size_t bytes);  // keeps the contents; false if out of memory
  bool append(const void* data, size_t bytes);
  // Room for `bytes` more at the end; the caller fills it and calls commit().
  char* extend(size_t bytes);
  void commit(size_t bytes) { size_ += bytes; }
  void clear() { size_ = 0; }
  void release();

  char* data() { return data_; }
  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace leakdbg::tracker
