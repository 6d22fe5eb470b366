#include "input/load.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "format/snapshot_reader.h"
#include "util/error.h"
#include "winimport/import.h"

namespace leakdbg {

namespace {

// What an import could not use goes to stderr, one line each, so that answers on stdout
// (text or JSON) stay clean and the user still learns how complete they are.
void report_notes(const std::string& path, const SourceNotes& notes) {
  if (notes.skipped_lines > 0)
    std::cerr << "leakdbg: " << path << ": skipped " << notes.skipped_lines << " line"
              << (notes.skipped_lines == 1 ? "" : "s") << " not understood; first at line "
              << notes.first_skipped_line << ": " << notes.first_skipped_text << '\n';
  if (notes.elisions > 0)
    std::cerr << "leakdbg: " << path << ": the text was cut in " << notes.elisions << " place"
              << (notes.elisions == 1 ? "" : "s")
              << " (\"....\"); figures cover only what was printed\n";
  if (notes.listing_cut_off)
    std::cerr << "leakdbg: " << path
              << ": !heap -stat printed only its top groups (max-display); the sizes listed "
                 "are not the whole heap, whose busy total comes from WinDbg's percentages\n";
  if (notes.old_counts_unknown)
    std::cerr << "leakdbg: " << path
              << ": this UMDH comparison has no allocation-count lines; the old log's block "
                 "counts are unknown (its bytes are exact)\n";
}

}  // namespace

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
  if (winimport::looks_like_windows_text(text)) {
    std::vector<HeapModel> models = winimport::import_text(text, path);
    if (!models.empty()) report_notes(path, models.front().notes);
    return models;
  }
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
