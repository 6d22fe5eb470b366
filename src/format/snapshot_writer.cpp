#include "format/snapshot_writer.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_createCCtx_advanced: zstd state without malloc
#include <fcntl.h>
#include <stdio.h>  // renameat, snprintf
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "format/block_encoding.h"
#include "format/crc32.h"
#include "format/mmap_allocator.h"

namespace leakdbg::fmt {
namespace {

void* zstd_alloc(void*, size_t size) { return page_alloc(size); }
void zstd_free(void*, void* p) { page_free(p); }

// Copies a NUL-terminated string into a fixed buffer; false if it does not fit.
bool copy_string(char* dest, size_t capacity, const char* src) {
  size_t n = std::strlen(src);
  if (n + 1 > capacity) return false;
  std::memcpy(dest, src, n + 1);
  return true;
}

bool pwrite_all(int fd, const void* data, size_t size, uint64_t offset) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return true;
}

}  // namespace

SnapshotWriter::~SnapshotWriter() {
  if (!finished_) abort();
  release();
}

bool SnapshotWriter::fail() {
  int saved = errno;
  failed_ = true;
  errno = saved ? saved : EIO;
  return false;
}

bool SnapshotWriter::open(const char* dir, const char* name) {
  if (fd_ >= 0 || !dir) {
    errno = EINVAL;
    return false;
  }
  int dir_fd = ::open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return fail();
  bool ok = open_at(dir_fd, name);
  int saved = errno;
  ::close(dir_fd);
  errno = saved;
  return ok;
}

bool SnapshotWriter::open_at(int dir_fd, const char* name) {
  if (fd_ >= 0 || dir_fd < 0 || !name || !*name || std::strchr(name, '/')) {
    errno = EINVAL;
    return false;
  }
  // ".<name>.<pid>.tmp": the pid tells a later start whether the writer is gone.
  if (!copy_string(name_, sizeof name_, name) ||
      ::snprintf(temp_name_, sizeof temp_name_, ".%s.%d%s", name, static_cast<int>(::getpid()),
                 kTempSuffix) >= static_cast<int>(sizeof temp_name_)) {
    errno = ENAMETOOLONG;
    return false;
  }
  dir_fd_ = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  if (dir_fd_ < 0) return fail();
  // An unnamed file first: it has no name until finish() links it, so even a process killed
  // mid-write (SIGKILL, a crash) leaves nothing behind. Filesystems without O_TMPFILE get
  // the hidden temporary name, removed on every failure the process survives; it is created
  // new (O_EXCL) and never through a link planted under its name.
  fd_ = unnamed_allowed_ ? ::openat(dir_fd_, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) : -1;
  if (fd_ >= 0) {
    unnamed_ = true;
  } else {
    unnamed_ = false;
    fd_ = ::openat(dir_fd_, temp_name_, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  }
  if (fd_ < 0) {
    int saved = errno;
    ::close(dir_fd_);
    dir_fd_ = -1;
    temp_name_[0] = '\0';  // not ours: abort() must not remove it
    errno = saved;
    return fail();
  }
  failed_ = finished_ = false;
  file_offset_ = 0;
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kFormatVersion;
  header.header_size = sizeof(FileHeader);
  if (!write_all(&header, sizeof header)) {
    abort();
    return false;
  }
  return true;
}

bool SnapshotWriter::write_all(const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail();
    }
    p += n;
    size -= static_cast<size_t>(n);
    file_offset_ += static_cast<uint64_t>(n);
  }
  return true;
}

bool SnapshotWriter::flush_output() {
  if (out_used_ == 0) return true;
  section_.crc32 = crc32_update(section_.crc32, out_, out_used_);
  section_.stored_size += out_used_;
  bool ok = write_all(out_, out_used_);
  out_used_ = 0;
  return ok;
}

bool SnapshotWriter::begin_section(SectionType type) {
  if (failed_ || fd_ < 0 || in_section_) {
    if (!failed_) errno = EINVAL;
    return false;
  }
  if (!cctx_) {
    cctx_ = ZSTD_createCCtx_advanced(ZSTD_customMem{zstd_alloc, zstd_free, nullptr});
    // Larger than ZSTD_CStreamOutSize() so that one write() moves a good amount.
    out_capacity_ = 1u << 20;
    out_ = static_cast<unsigned char*>(page_alloc(out_capacity_));
    if (!cctx_ || !out_) {
      errno = ENOMEM;
      return fail();
    }
  }
  ZSTD_CCtx_reset(cctx_, ZSTD_reset_session_and_parameters);
  if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, level_))) {
    errno = EINVAL;
    return fail();
  }
  section_ = SectionHeader{};
  section_.type = static_cast<uint32_t>(type);
  section_.flags = kSectionZstd;
  section_offset_ = file_offset_;
  // A placeholder; end_section() writes the real header here once sizes and CRC are known.
  SectionHeader placeholder{};
  if (!write_all(&placeholder, sizeof placeholder)) return false;
  in_section_ = true;
  return true;
}

bool SnapshotWriter::compress(const void* data, size_t size, int end_directive) {
  ZSTD_inBuffer in{data, size, 0};
  auto directive = static_cast<ZSTD_EndDirective>(end_directive);
  for (;;) {
    ZSTD_outBuffer out{out_, out_capacity_, out_used_};
    size_t left = ZSTD_compressStream2(cctx_, &out, &in, directive);
    out_used_ = out.pos;
    if (ZSTD_isError(left)) {
      errno = EIO;
      return fail();
    }
    bool done = directive == ZSTD_e_end ? left == 0 : in.pos == in.size;
    if (out_used_ == out_capacity_ || (done && directive == ZSTD_e_end)) {
      if (!flush_output()) return false;
    }
    if (done) return true;
  }
}

bool SnapshotWriter::write(const void* data, size_t size) {
  if (failed_ || !in_section_) {
    if (!failed_) errno = EINVAL;
    return false;
  }
  if (size == 0) return true;
  section_.raw_size += size;
  return compress(data, size, ZSTD_e_continue);
}

bool SnapshotWriter::write_blocks(const BlockRecord* records, size_t count) {
  if (failed_ || !in_section_) {
    if (!failed_) errno = EINVAL;
    return false;
  }
  if (!encoded_) {
    encoded_ = static_cast<uint8_t*>(page_alloc(max_encoded_bytes(kBlocksPerEncoding)));
    if (!encoded_) {
      errno = ENOMEM;
      return fail();
    }
  }
  for (size_t done = 0; done < count;) {
    const size_t n = count - done < kBlocksPerEncoding ? count - done : kBlocksPerEncoding;
    if (!write(encoded_, encode_blocks(records + done, n, encoded_))) return false;
    done += n;
  }
  return true;
}

bool SnapshotWriter::end_section() {
  if (failed_ || !in_section_) {
    if (!failed_) errno = EINVAL;
    return false;
  }
  if (!compress(nullptr, 0, ZSTD_e_end)) return false;
  in_section_ = false;
  if (!pwrite_all(fd_, &section_, sizeof section_, section_offset_)) return fail();
  return true;
}

bool SnapshotWriter::finish() {
  if (failed_ || fd_ < 0 || finished_) {
    if (!failed_) errno = EINVAL;
    abort();
    return false;
  }
  if (in_section_ && !end_section()) {
    abort();
    return false;
  }
  SectionHeader end{};
  end.type = static_cast<uint32_t>(SectionType::kEnd);
  if (!write_all(&end, sizeof end) || ::fsync(fd_) != 0) {
    fail();
    abort();
    return false;
  }
  int saved = 0;
  if (unnamed_ && !link_unnamed()) saved = errno;
  if (saved == 0 && ::close(fd_) != 0) saved = errno;
  if (saved != 0 && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (saved == 0 && !unnamed_ && ::renameat(dir_fd_, temp_name_, dir_fd_, name_) != 0)
    saved = errno;
  if (saved != 0) {
    abort();
    errno = saved;
    return false;
  }
  // The rename itself must reach the disk for the snapshot to survive a crash.
  ::fsync(dir_fd_);
  ::close(dir_fd_);
  dir_fd_ = -1;
  finished_ = true;
  release();
  return true;
}

// Gives the unnamed file the name `target` in the directory. linkat with AT_EMPTY_PATH needs
// a capability most users lack; the /proc/self/fd path works for everyone when /proc is
// mounted.
bool SnapshotWriter::link_unnamed_as(const char* target) {
  if (::linkat(fd_, "", dir_fd_, target, AT_EMPTY_PATH) == 0) return true;
  if (errno == EEXIST) return false;
  char path[64];
  ::snprintf(path, sizeof path, "/proc/self/fd/%d", fd_);
  return ::linkat(AT_FDCWD, path, dir_fd_, target, AT_SYMLINK_FOLLOW) == 0;
}

// link() never replaces a file, but a series written again into the same folder meets its
// older namesakes: those are replaced atomically, as rename() would, through the hidden name.
bool SnapshotWriter::link_unnamed() {
  if (link_unnamed_as(name_)) return true;
  if (errno != EEXIST) return false;
  if (!link_unnamed_as(temp_name_)) return false;
  if (::renameat(dir_fd_, temp_name_, dir_fd_, name_) != 0) {
    int saved = errno;
    ::unlinkat(dir_fd_, temp_name_, 0);
    errno = saved;
    return false;
  }
  return true;
}

void SnapshotWriter::abort() {
  int saved = errno;
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (dir_fd_ >= 0) {
    if (temp_name_[0] && !unnamed_) ::unlinkat(dir_fd_, temp_name_, 0);
    ::close(dir_fd_);
    dir_fd_ = -1;
  }
  in_section_ = false;
  failed_ = true;
  errno = saved;
}

void SnapshotWriter::release() {
  if (cctx_) ZSTD_freeCCtx(cctx_);
  cctx_ = nullptr;
  page_free(out_);
  out_ = nullptr;
  out_capacity_ = out_used_ = 0;
  page_free(encoded_);
  encoded_ = nullptr;
}

}  // namespace leakdbg::fmt
