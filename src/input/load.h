// Opens any input an analysis command accepts: a .ldsnap snapshot, a directory of them, or
// saved Windows text, detected by content rather than by file name.
#pragma once

#include <string>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

// One file -> its model(s) (a UMDH diff file yields two). Throws leakdbg::Error.
std::vector<HeapModel> load_models(const std::string& path);

// Exactly one model from a file, or a clear error.
HeapModel load_model(const std::string& path);

// The snapshot files of a directory in sequence order (names starting with a digit and
// ending in .ldsnap; hidden temporaries skipped). Throws if there are none.
std::vector<std::string> snapshot_files_in(const std::string& dir);

}  // namespace leakdbg
