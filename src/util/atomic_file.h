// Writes a file so that readers only ever see it whole: data goes to a hidden temporary
// name in the same directory, is fsync'ed, then renamed over the final name. On any
// failure (or if commit() is never called) the temporary is removed.
#pragma once

#include <string>
#include <string_view>

namespace leakdbg {

class AtomicFile {
 public:
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();  // removes the temporary unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  bool write(std::string_view data);  // false on error (errno set)
  bool commit();                      // fsync + rename; false on error, temp removed
  const std::string& temp_path() const { return temp_path_; }

 private:
  std::string final_path_, temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// Convenience for small text outputs (CSV, reports): throws leakdbg::Error on failure.
void write_file_atomically(const std::string& path, std::string_view data);

}  // namespace leakdbg
