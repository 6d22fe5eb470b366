// Bounds-checked reading of untrusted snapshot bytes. Every read checks the bytes present
// first; a short read throws Corrupt, which the reader turns into one line naming the file.
#pragma once

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace leakdbg::fmt {

// A problem with the snapshot's bytes; the message names the section and what is wrong.
class Corrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteCursor {
 public:
  // `what` names the bytes in messages ("modules section").
  ByteCursor(std::string_view bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}

  size_t remaining() const { return bytes_.size() - pos_; }
  size_t position() const { return pos_; }

  template <typename T>
  T read() {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, take(sizeof(T), "a record").data(), sizeof(T));
    return value;
  }

  // The next n bytes; `item` names them in the message if they are missing.
  std::string_view take(uint64_t n, const char* item);

  // Throws if a count of records, each at least min_size bytes, cannot fit in what is left:
  // checked before reserving memory for them.
  void check_count(uint64_t count, uint64_t min_size, const char* item) const;

  // Throws if bytes are left over.
  void expect_end() const;

  [[noreturn]] void fail(const std::string& problem) const;

 private:
  std::string_view bytes_;
  std::string what_;
  size_t pos_ = 0;
};

}  // namespace leakdbg::fmt
