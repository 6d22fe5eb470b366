// No leak: a lookup cache that warms up during the first fifth of the run and then holds
// steady (every later lookup hits), as a server's cache does after start-up.
//   --seconds S   run for S seconds (default 3)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unordered_map>

#include "program_options.h"

namespace {

constexpr unsigned kEntries = 4000;

class Cache {
 public:
  __attribute__((noinline)) const std::string& lookup(unsigned key) {
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second;
    std::string value =
        "computed value for key " + std::to_string(key) + " with enough text to need the heap";
    return entries_.emplace(key, std::move(value)).first->second;
  }

 private:
  std::unordered_map<unsigned, std::string> entries_;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  auto start = std::chrono::steady_clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  // Keys spread over the whole key space during the warm-up, then only keys already seen.
  auto warm_end = start + std::chrono::duration<double>(seconds / 5);
  Cache cache;
  size_t total = 0;
  unsigned next_new = 0;
  while (std::chrono::steady_clock::now() < end) {
    bool warming = std::chrono::steady_clock::now() < warm_end;
    for (int i = 0; i < 50; ++i) {
      unsigned key = warming && next_new < kEntries
                         ? next_new++
                         : static_cast<unsigned>(std::rand()) % (next_new ? next_new : 1);
      total += cache.lookup(key).size();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::printf("%zu\n", total);
  return 0;
}
