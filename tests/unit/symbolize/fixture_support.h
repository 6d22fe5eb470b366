// Shared by the symbolize tests: the built fixtures, their marked source lines, scratch
// folders and a model of this very process.
#pragma once

#include <string>

#include "model/heap_model.h"

namespace symtest {

// Line number of the first line of `source` containing "MARK:<mark>"; fails the test if none.
unsigned marked_line(const std::string& source, const std::string& mark);

// A fresh empty folder under the build tree for this test.
std::string scratch_dir(const std::string& tag);

// Runs a shell command; fails the test unless it exits 0.
void run_or_fail(const std::string& command);

// Copies a file, creating the target's folders.
void copy_file(const std::string& from, const std::string& to);

// The modules of this process as a snapshot would list them.
leakdbg::HeapModel model_of_this_process();

// The module whose path ends with `file_name`; nullptr if none.
leakdbg::Module* module_named(leakdbg::HeapModel& model, const std::string& file_name);

// True if `text` ends with `suffix`.
bool ends_with(const std::string& text, const std::string& suffix);

}  // namespace symtest
