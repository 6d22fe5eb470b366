#include "format/section_decoder.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "format/byte_cursor.h"
#include "format/crc32.h"
#include "util/units.h"

namespace leakdbg::fmt {
namespace {

// zstd's densest encoding is an RLE block: 4 bytes for up to 128 KiB, so no valid frame
// expands by more than 32768x (plus one block for the frame header). A raw_size above that
// is corrupt, and is refused before any memory is reserved for it.
constexpr uint64_t kMaxZstdRatio = 32768;
constexpr uint64_t kZstdSlack = 128 * 1024;

constexpr size_t kPieceBytes = 1 << 20;

}  // namespace

std::string section_name(uint32_t type) {
  switch (static_cast<SectionType>(type)) {
    case SectionType::kMeta:
      return "meta";
    case SectionType::kModules:
      return "modules";
    case SectionType::kStacks:
      return "stacks";
    case SectionType::kBlocks:
      return "blocks";
    case SectionType::kMmapRegions:
      return "mmap regions";
    case SectionType::kArenas:
      return "arenas";
    case SectionType::kSites:
      return "sites";
    case SectionType::kProcStatus:
      return "proc status";
    case SectionType::kSmaps:
      return "smaps";
    case SectionType::kSmapsRollup:
      return "smaps_rollup";
    case SectionType::kTimeSeries:
      return "time series";
    case SectionType::kThreads:
      return "threads";
    case SectionType::kTrackerStats:
      return "tracker stats";
    case SectionType::kReachability:
      return "reachability";
    case SectionType::kBlockClasses:
      return "block classes";
    case SectionType::kReferrers:
      return "referrers";
    case SectionType::kRegionClasses:
      return "region classes";
    case SectionType::kRegionReferrers:
      return "region referrers";
    case SectionType::kEnd:
      return "end";
  }
  return "type " + std::to_string(type);
}

SectionDecoder::SectionDecoder() : dctx_(ZSTD_createDCtx()) {
  if (!dctx_) throw std::bad_alloc();
}

SectionDecoder::~SectionDecoder() { ZSTD_freeDCtx(dctx_); }

void SectionDecoder::fail(const SectionView& section, const std::string& problem) const {
  throw Corrupt(section_name(section.header.type) + " section at offset " +
                std::to_string(section.offset) + ": " + problem);
}

void SectionDecoder::validate(const SectionView& section) const {
  const SectionHeader& h = section.header;
  if (h.flags & ~static_cast<uint32_t>(kSectionZstd))
    fail(section, "unknown flags " + format_hex(h.flags));
  uint32_t crc = crc32_update(0, section.stored.data(), section.stored.size());
  if (crc != h.crc32)
    fail(section, "checksum mismatch (recorded " + format_hex(h.crc32) + ", computed " +
                      format_hex(crc) + ")");
  bool compressed = h.flags & kSectionZstd;
  if (!compressed && h.raw_size != h.stored_size)
    fail(section, "uncompressed but raw size " + std::to_string(h.raw_size) +
                      " differs from stored size " + std::to_string(h.stored_size));
  if (compressed && (h.stored_size > (UINT64_MAX - kZstdSlack) / kMaxZstdRatio ||
                     h.raw_size > h.stored_size * kMaxZstdRatio + kZstdSlack))
    fail(section, "raw size " + std::to_string(h.raw_size) + " is impossible for " +
                      std::to_string(h.stored_size) + " compressed bytes");
}

void SectionDecoder::run(const SectionView& section, char* buffer, size_t buffer_size,
                         const std::function<void(size_t filled)>& on_full) {
  const uint64_t raw_size = section.header.raw_size;
  if (!(section.header.flags & kSectionZstd)) {
    for (uint64_t done = 0; done < raw_size;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(buffer_size, raw_size - done));
      std::memcpy(buffer, section.stored.data() + done, n);
      on_full(n);
      done += n;
    }
    return;
  }
  ZSTD_DCtx_reset(dctx_, ZSTD_reset_session_only);
  ZSTD_inBuffer in{section.stored.data(), section.stored.size(), 0};
  uint64_t produced = 0;
  size_t frame_left = 1;  // ZSTD_decompressStream's "bytes still expected"; 0 = frame complete
  while (produced < raw_size) {
    ZSTD_outBuffer out{
        buffer, static_cast<size_t>(std::min<uint64_t>(buffer_size, raw_size - produced)), 0};
    while (out.pos < out.size) {
      size_t in_before = in.pos, out_before = out.pos;
      frame_left = ZSTD_decompressStream(dctx_, &out, &in);
      if (ZSTD_isError(frame_left))
        fail(section, std::string("cannot decompress: ") + ZSTD_getErrorName(frame_left));
      if (frame_left == 0) break;
      if (in.pos == in_before && out.pos == out_before)
        fail(section, "compressed data ends early (truncated zstd frame)");
    }
    produced += out.pos;
    if (out.pos > 0) on_full(out.pos);
    if (frame_left == 0) break;
  }
  if (produced < raw_size)
    fail(section, "decompresses to " + std::to_string(produced) + " bytes, header says " +
                      std::to_string(raw_size));
  // The recorded size is reached; the frame must end here with nothing more to give.
  while (frame_left != 0) {
    char probe;
    ZSTD_outBuffer out{&probe, 1, 0};
    size_t in_before = in.pos;
    frame_left = ZSTD_decompressStream(dctx_, &out, &in);
    if (ZSTD_isError(frame_left))
      fail(section, std::string("cannot decompress: ") + ZSTD_getErrorName(frame_left));
    if (out.pos != 0)
      fail(section,
           "decompresses to more than the " + std::to_string(raw_size) + " bytes the header says");
    if (frame_left != 0 && in.pos == in_before)
      fail(section, "compressed data ends early (truncated zstd frame)");
  }
  if (in.pos != in.size)
    fail(section, std::to_string(in.size - in.pos) + " stray bytes after the compressed data");
}

void SectionDecoder::decode_into(const SectionView& section, char* dest) {
  size_t size = static_cast<size_t>(section.header.raw_size);
  run(section, dest, size, [](size_t) {});
}

std::string SectionDecoder::decode(const SectionView& section) {
  std::string raw;
  raw.resize(static_cast<size_t>(section.header.raw_size));
  decode_into(section, raw.data());
  return raw;
}

void SectionDecoder::decode_pieces(const SectionView& section, size_t piece_size,
                                   const std::function<void(std::string_view)>& sink) {
  // About a megabyte per piece, but no more than the section needs: small snapshots (and
  // every fuzz input) should not pay for a large buffer.
  uint64_t wanted = std::min<uint64_t>(kPieceBytes, section.header.raw_size);
  size_t capacity =
      static_cast<size_t>(std::max<uint64_t>(piece_size, wanted / piece_size * piece_size));
  if (scratch_.size() < capacity) scratch_.resize(capacity);
  run(section, scratch_.data(), capacity,
      [&](size_t filled) { sink(std::string_view(scratch_.data(), filled)); });
}

}  // namespace leakdbg::fmt
