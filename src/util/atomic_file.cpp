#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace leakdbg {

static std::string temp_name_for(const std::string& final_path) {
  auto slash = final_path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : final_path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? final_path : final_path.substr(slash + 1);
  // Leading dot: directory listings and our own snapshot scans skip it.
  return dir + "." + base + ".tmp." + std::to_string(getpid());
}

AtomicFile::AtomicFile(std::string final_path)
    : final_path_(std::move(final_path)), temp_path_(temp_name_for(final_path_)) {
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

bool AtomicFile::write(std::string_view data) {
  if (fd_ < 0) return false;
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool AtomicFile::commit() {
  if (fd_ < 0) return false;
  bool ok = ::fsync(fd_) == 0;
  ok = (::close(fd_) == 0) && ok;
  fd_ = -1;
  if (ok && ::rename(temp_path_.c_str(), final_path_.c_str()) == 0) {
    committed_ = true;
    return true;
  }
  ::unlink(temp_path_.c_str());
  return false;
}

void write_file_atomically(const std::string& path, std::string_view data) {
  AtomicFile file(path);
  if (file.fd() < 0 || !file.write(data) || !file.commit())
    throw Error("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace leakdbg
