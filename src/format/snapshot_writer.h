// Writes one .ldsnap snapshot (spec: docs/snapshot-format.md) from inside the tracked
// program. Built for that setting: it throws nothing, uses no iostreams, allocates its
// buffers and zstd's state with mmap instead of malloc (so the tracker's own hooks never see
// them and a snapshot can be written while the heap is busy), and writes with raw syscalls.
//
// Usage: open(), then per section begin_section() / write()... / end_section(), then
// finish(). Nothing is visible under the final name until finish() renamed the temporary.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/records.h"

struct ZSTD_CCtx_s;

namespace leakdbg::fmt {

// Files are created mode 0600: a snapshot holds memory contents. The temporary is an unnamed
// O_TMPFILE file where the file system has them, else <dir>/.<name>.<pid>.tmp (created
// exclusively, never through a link), renamed to <dir>/<name> on finish().
class SnapshotWriter {
 public:
  SnapshotWriter() = default;
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;
  ~SnapshotWriter();  // aborts if not finished

  bool open(const char* dir, const char* name);  // false + errno on failure
  bool open_at(int dir_fd, const char* name);    // the same in an open directory (not kept)
  bool begin_section(SectionType type);          // compressed streaming section
  bool write(const void* data, size_t size);     // append to the current section
  // Appends blocks to the current (blocks) section in the version-2 encoding
  // (block_encoding.h), in their order; sorted by address they encode smallest.
  bool write_blocks(const BlockRecord* records, size_t count);
  bool end_section();
  bool finish();  // writes kEnd, fsyncs, renames; false on failure (temp removed)
  void abort();   // removes the temp file

  // Uses the named temporary even where O_TMPFILE works: for tests of that fallback.
  void avoid_unnamed_files() { unnamed_allowed_ = false; }

  // The temporary's suffix, for a later start that removes what a killed writer left.
  static constexpr const char kTempSuffix[] = ".tmp";

  // zstd level of the sections (default 1: a 2 M-block snapshot must take under a second).
  void set_compression_level(int level) { level_ = level; }

 private:
  bool fail();  // keeps errno, marks the writer failed, returns false
  bool link_unnamed();
  bool link_unnamed_as(const char* target);
  bool flush_output();
  bool write_all(const void* data, size_t size);
  bool compress(const void* data, size_t size, int end_directive);
  void release();

  static constexpr size_t kPathMax = 4096;
  char dir_[kPathMax] = {};
  char name_[256] = {};
  char temp_name_[280] = {};
  bool unnamed_allowed_ = true;
  bool unnamed_ = false;  // an O_TMPFILE file, linked to name_ by finish()
  int dir_fd_ = -1;
  int fd_ = -1;
  bool failed_ = false;
  bool finished_ = false;
  int level_ = 1;

  uint64_t file_offset_ = 0;  // bytes written so far
  bool in_section_ = false;
  uint64_t section_offset_ = 0;  // where the current section's header lies
  SectionHeader section_{};      // its header, patched in by end_section()

  ZSTD_CCtx_s* cctx_ = nullptr;
  unsigned char* out_ = nullptr;  // compressed bytes waiting to be written
  size_t out_capacity_ = 0;
  size_t out_used_ = 0;
  uint8_t* encoded_ = nullptr;  // write_blocks' encoding of kBlocksPerEncoding records
  static constexpr size_t kBlocksPerEncoding = 4096;
};

}  // namespace leakdbg::fmt
