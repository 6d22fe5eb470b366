// No leak: a pool of work buffers taken at the start of each cycle and returned at its end.
// The number in use rises and falls every cycle; none outlives its cycle.
//   --seconds S   run for S seconds (default 3)
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "program_options.h"

namespace {

struct WorkBuffer {
  unsigned char bytes[1024];
};

class BufferPool {
 public:
  __attribute__((noinline)) std::unique_ptr<WorkBuffer> take() {
    return std::make_unique<WorkBuffer>();
  }
  void give_back(std::unique_ptr<WorkBuffer> buffer) { buffer.reset(); }
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  BufferPool pool;
  unsigned sum = 0;
  while (std::chrono::steady_clock::now() < end) {
    std::vector<std::unique_ptr<WorkBuffer>> in_use;
    // Taken one by one over the cycle, so the count seen by a snapshot varies.
    for (int i = 0; i < 200; ++i) {
      in_use.push_back(pool.take());
      in_use.back()->bytes[i % 1024] = static_cast<unsigned char>(i);
      if (i % 20 == 19) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    for (auto& buffer : in_use) {
      sum += buffer->bytes[7];
      pool.give_back(std::move(buffer));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::printf("%u\n", sum);
  return 0;
}
