// Turns one section's stored bytes back into its raw payload, checking the CRC and that the
// payload decompresses to exactly the recorded size. Callers either get the payload into a
// buffer they own (straight into its final home, no copy) or in bounded pieces (to convert
// records without ever holding the whole raw payload).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "format/records.h"

struct ZSTD_DCtx_s;

namespace leakdbg::fmt {

std::string section_name(uint32_t type);  // "blocks", "meta", ... or "type 77"

struct SectionView {
  SectionHeader header;
  std::string_view stored;  // payload bytes as found in the file
  uint64_t offset = 0;      // file offset of the section header, for messages
};

class SectionDecoder {
 public:
  SectionDecoder();
  ~SectionDecoder();
  SectionDecoder(const SectionDecoder&) = delete;
  SectionDecoder& operator=(const SectionDecoder&) = delete;

  // Throws Corrupt unless the stored bytes match the header's CRC, the flags are known and
  // raw_size is plausible for stored_size (so no corrupt length makes us allocate terabytes).
  void validate(const SectionView& section) const;

  // Writes exactly header.raw_size bytes to dest.
  void decode_into(const SectionView& section, char* dest);
  std::string decode(const SectionView& section);

  // Calls sink with consecutive pieces of the raw payload; each piece is a whole multiple of
  // `piece_size` bytes except possibly the last. The scratch is reused between calls.
  void decode_pieces(const SectionView& section, size_t piece_size,
                     const std::function<void(std::string_view)>& sink);

 private:
  void run(const SectionView& section, char* buffer, size_t buffer_size,
           const std::function<void(size_t filled)>& on_full);
  [[noreturn]] void fail(const SectionView& section, const std::string& problem) const;

  ZSTD_DCtx_s* dctx_ = nullptr;
  std::string scratch_;
};

}  // namespace leakdbg::fmt
