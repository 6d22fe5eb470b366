// No leak: periodic bursts of temporaries. Every 200 ms the program builds a batch of
// thousands of strings, holds them for a while, and frees them all.
//   --seconds S   run for S seconds (default 3)
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "program_options.h"

namespace {

__attribute__((noinline)) size_t process_batch(unsigned round) {
  std::vector<std::string> batch;
  for (unsigned i = 0; i < 5000; ++i)
    batch.push_back("temporary record " + std::to_string(round) + "/" + std::to_string(i) +
                    " padded beyond the small string buffer");
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  size_t total = 0;
  for (const auto& s : batch) total += s.size();
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  size_t total = 0;
  for (unsigned round = 0; std::chrono::steady_clock::now() < end; ++round) {
    total += process_batch(round);
    std::this_thread::sleep_for(std::chrono::milliseconds(140));
  }
  std::printf("%zu\n", total);
  return 0;
}
