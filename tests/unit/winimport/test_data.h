// Reading the checked-in Windows text samples.
#pragma once

#include <string>
#include <vector>

#include "model/heap_model.h"

namespace winimport_test {

std::string data_path(const std::string& relative);  // under tests/data/windows/
std::string read_data(const std::string& relative);
std::vector<leakdbg::HeapModel> import_data(const std::string& relative);
uint64_t total_bytes(const leakdbg::HeapModel& model);
// Blocks of one size in one heap (the arena index of the handle).
uint64_t count_blocks(const leakdbg::HeapModel& model, uint64_t size);

}  // namespace winimport_test
