// The one place where resolved frames become text and JSON. Every analysis command prints
// stacks through these functions, so that a frame looks the same in `stat --by site`,
// `block`, `ln`, diffs and the prompt.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "model/heap_model.h"

namespace leakdbg {

// Text output names functions by their short form (short_name.h) unless full names are
// asked for (--full-names); set once by the command before it prints. JSON always carries
// both.
void set_full_function_names(bool full);

// The function name as text output shows it: short_function_name, or the whole name.
std::string function_text(const SymbolicFrame& frame);
std::string function_text(const std::string& name, bool overloaded);

// {"address": "0x...", "module", "function", "short_function", "file", "line", "inlined"}.
// "function" is the whole demangled name. Unknown strings are "" and an unknown line is 0,
// so consumers never need to test for missing keys.
nlohmann::json frame_to_json(const SymbolicFrame& frame);

// A JSON array of frame_to_json, innermost first.
nlohmann::json frames_to_json(const std::vector<SymbolicFrame>& frames);

// "module!function+0x1f  file.cpp:42", with " [inlined]" for inline-expanded frames.
// Without a function: "module+0x1a2b"; without a module either: the bare "0x..." address.
std::string frame_to_text(const SymbolicFrame& frame);

// One line per frame, indented, innermost first. With fold_runtime, each run of
// consecutive runtime frames (operator new, malloc, libstdc++ internals) becomes one line
// naming the outermost of them and how many were folded.
void print_stack(std::ostream& out, const std::vector<SymbolicFrame>& frames, bool fold_runtime);

// The innermost frame outside the runtime: the code that asked for the memory, used to
// name a call site. nullptr if every frame is a runtime frame (or there are none).
const SymbolicFrame* first_user_frame(const std::vector<SymbolicFrame>& frames);

}  // namespace leakdbg
