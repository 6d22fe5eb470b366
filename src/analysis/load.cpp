#include "analysis/load.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "format/snapshot_reader.h"
#include "util/error.h"
#include "winimport/import.h"

namespace leakdbg {

std::vector<HeapModel> load_models(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw Error(path + ": is a directory, expected a snapshot or text file");
  // A FIFO or a device would block in open() or never end: refused before opening.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw Error(path + ": not a regular file, expected a snapshot or text file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  char head[16] = {};
  in.read(head, sizeof head);
  std::string_view first(head, static_cast<size_t>(in.gcount()));
  if (fmt::looks_like_snapshot(first)) {
    std::vector<HeapModel> models;
    models.push_back(fmt::read_snapshot(path));
    return models;
  }
  // Read by size rather than through istreambuf_iterator, which GCC 12 flags under
  // -Wnull-dereference.
  in.clear();
  in.seekg(0, std::ios::end);
  std::streamoff length = in.tellg();
  if (length < 0) throw Error(path + ": cannot read: " + std::strerror(errno));
  in.seekg(0);
  std::string text(static_cast<size_t>(length), '\0');
  in.read(text.data(), length);
  text.resize(static_cast<size_t>(in.gcount()));
  if (winimport::looks_like_windows_text(text)) return winimport::import_text(text, path);
  if (text.empty()) throw Error(path + ": empty file");
  throw Error(path + ": neither a leakdbg snapshot nor saved WinDbg/UMDH text");
}

HeapModel load_model(const std::string& path) {
  auto models = load_models(path);
  if (models.size() != 1)
    throw Error(path + ": holds " + std::to_string(models.size()) +
                " heap states (a UMDH diff); give its two logs separately or use `leakdbg diff`");
  return std::move(models.front());
}

std::vector<std::string> snapshot_files_in(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": not a directory");
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] < '0' || name[0] > '9') continue;
    if (entry.path().extension() != ".ldsnap" || !entry.is_regular_file()) continue;
    files.push_back(entry.path().string());
  }
  if (ec) throw Error(dir + ": cannot list: " + ec.message());
  if (files.empty()) throw Error(dir + ": no snapshots (*.ldsnap) in this directory");
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace leakdbg
