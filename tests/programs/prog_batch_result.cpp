// A batch job that builds its result (rows of a report) through the whole run, writes it
// and frees it before it exits: growth that is the program's purpose, not a leak.
//   --seconds S    run for S seconds (default 3), 2000 rows a second (kept to the clock)
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "program_options.h"

namespace {

struct Row {
  unsigned id;
  double values[14];
};

__attribute__((noinline)) std::unique_ptr<Row> compute_row(unsigned id) {
  auto row = std::make_unique<Row>();
  row->id = id;
  for (unsigned i = 0; i < 14; ++i) row->values[i] = id * 0.5 + i;
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  std::vector<std::unique_ptr<Row>> result;
  auto start = std::chrono::steady_clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  unsigned done = 0;
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    auto due = static_cast<unsigned>(std::chrono::duration<double>(now - start).count() * 2000);
    for (; done < due; ++done) result.push_back(compute_row(done));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  double sum = 0;
  for (const auto& row : result) sum += row->values[row->id % 14];
  std::printf("%zu rows, sum %.1f\n", result.size(), sum);
  result.clear();
  result.shrink_to_fit();
  return 0;
}
