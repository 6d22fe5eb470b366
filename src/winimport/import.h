// Saved Windows debugger text (WinDbg `!heap -s`, `!heap -stat -h`, `!heap -flt`,
// `!heap -p -a`, UMDH logs and UMDH diffs) turned into HeapModels, detected by content.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg::winimport {

// True if the text looks like one of the supported Windows outputs.
bool looks_like_windows_text(std::string_view text);

// A UMDH diff holds two states at once; other texts give one model. Throws leakdbg::Error
// with one line (kind of text, line number, problem) on malformed or truncated input.
std::vector<HeapModel> import_text(std::string_view text, const std::string& name);

}  // namespace leakdbg::winimport
