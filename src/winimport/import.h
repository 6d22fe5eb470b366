// Saved Windows debugger text (WinDbg `!heap -s`, `!heap -stat -h`, `!heap -flt`,
// `!heap -p -a`, UMDH logs and UMDH diffs) turned into HeapModels, detected by content.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg::winimport {

// Both take the file's bytes as saved: UTF-8 with or without a byte-order mark, or UTF-16
// LE/BE (winimport/text_decode.h), with any mix of line ends.

// True if the text looks like one of the supported Windows outputs.
bool looks_like_windows_text(std::string_view raw);

// A UMDH diff holds two states at once; other texts give one model. Lines not understood
// inside a recognized output are skipped and counted in HeapModel::notes. Throws
// leakdbg::Error with one line (kind of text, line number, problem) when nothing usable is
// found or a figure is impossible.
std::vector<HeapModel> import_text(std::string_view raw, const std::string& name);

}  // namespace leakdbg::winimport
