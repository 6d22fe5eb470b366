// Bounds-checked reads of DWARF call-frame data lying in memory. The caller names a range it
// knows is mapped and readable; nothing outside it is ever touched, whatever the bytes say.
// A failed read sets a sticky error and returns 0, so parsers check ok() at decision points.
#pragma once

#include <cstdint>
#include <cstring>

namespace leakdbg::unwind {

class ByteReader {
 public:
  ByteReader(uintptr_t begin, uintptr_t end, uintptr_t pos) : begin_(begin), end_(end), pos_(pos) {
    if (pos < begin || pos > end) ok_ = false;
  }

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ >= end_; }
  uintptr_t pos() const { return pos_; }
  uintptr_t end() const { return end_; }
  void fail() { ok_ = false; }

  // Narrows the readable range to [pos, pos + length) (one CIE/FDE or one instruction block).
  bool limit(uint64_t length) {
    if (!ok_ || length > end_ - pos_) return fail_false();
    end_ = pos_ + length;
    return true;
  }
  bool seek(uintptr_t pos) {
    if (!ok_ || pos < begin_ || pos > end_) return fail_false();
    pos_ = pos;
    return true;
  }
  bool skip(uint64_t n) {
    if (!ok_ || n > end_ - pos_) return fail_false();
    pos_ += n;
    return true;
  }

  uint8_t u8() { return fixed<uint8_t>(); }
  uint16_t u16() { return fixed<uint16_t>(); }
  uint32_t u32() { return fixed<uint32_t>(); }
  uint64_t u64() { return fixed<uint64_t>(); }

  uint64_t uleb() {
    uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      const uint8_t byte = u8();
      if (!ok_) return 0;
      if (shift < 64) value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
      if (shift > 70) return fail_zero();  // longer than any real value: garbage
    }
  }
  int64_t sleb() {
    uint64_t value = 0;
    unsigned shift = 0;
    uint8_t byte = 0;
    do {
      byte = u8();
      if (!ok_) return 0;
      if (shift < 64) value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if (shift > 77) return fail_zero();
    } while (byte & 0x80);
    if (shift < 64 && (byte & 0x40)) value |= ~uint64_t{0} << shift;
    return static_cast<int64_t>(value);
  }

  // A DW_EH_PE-encoded pointer. pcrel is relative to the field's own address, datarel to
  // data_base. Indirect pointers are returned undereferenced (only personality routines use
  // them, and those are skipped). Unsupported encodings fail.
  uint64_t encoded(uint8_t encoding, uintptr_t data_base);

 private:
  template <typename T>
  T fixed() {
    if (!ok_ || sizeof(T) > end_ - pos_) return fail_zero();
    T value;
    std::memcpy(&value, reinterpret_cast<const void*>(pos_), sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  bool fail_false() {
    ok_ = false;
    return false;
  }
  uint8_t fail_zero() {
    ok_ = false;
    return 0;
  }

  uintptr_t begin_, end_, pos_;
  bool ok_ = true;
};

}  // namespace leakdbg::unwind
