#include "test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "winimport/import.h"

namespace winimport_test {

std::string data_path(const std::string& relative) {
  return std::string(LEAKDBG_WINDOWS_DATA) + "/" + relative;
}

std::string read_data(const std::string& relative) {
  std::ifstream in(data_path(relative), std::ios::binary);
  EXPECT_TRUE(in) << relative;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<leakdbg::HeapModel> import_data(const std::string& relative) {
  return leakdbg::winimport::import_text(read_data(relative), relative);
}

uint64_t total_bytes(const leakdbg::HeapModel& model) {
  uint64_t total = 0;
  for (const auto& b : model.blocks) total += b.size;
  return total;
}

uint64_t count_blocks(const leakdbg::HeapModel& model, uint64_t size) {
  uint64_t n = 0;
  for (const auto& b : model.blocks) n += b.size == size;
  return n;
}

}  // namespace winimport_test
