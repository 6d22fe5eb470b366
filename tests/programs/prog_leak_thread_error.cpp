// Four worker threads handle requests through a polymorphic interface. One of them gets
// malformed input, and its error path returns without deleting the request object.
//   --seconds S    run for S seconds (default 3), a request every millisecond per thread
//   --requests N   instead handle exactly N requests per thread, as fast as possible
// Every 10th request of the third thread is malformed: N/10 objects leak in --requests mode.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "program_options.h"

namespace {

class Request {
 public:
  virtual ~Request() = default;
  virtual bool validate() const = 0;
  virtual unsigned process() = 0;
};

class ParseRequest : public Request {
 public:
  ParseRequest(unsigned id, bool malformed) : id_(id), malformed_(malformed) {
    std::snprintf(payload_, sizeof payload_, "request %u", id);
  }
  bool validate() const override { return !malformed_; }
  unsigned process() override {
    unsigned sum = id_;
    for (char c : payload_) sum = sum * 31 + static_cast<unsigned char>(c);
    return sum;
  }

 private:
  unsigned id_;
  bool malformed_;
  char payload_[64];
};

std::atomic<unsigned> errors{0};
std::atomic<unsigned> checksum{0};

__attribute__((noinline)) bool handle_request(unsigned id, bool malformed) {
  Request* request = new ParseRequest(id, malformed);  // LEAK-SITE
  if (!request->validate()) {
    errors.fetch_add(1, std::memory_order_relaxed);
    return false;  // the error path forgets `delete request`
  }
  checksum.fetch_add(request->process(), std::memory_order_relaxed);
  delete request;
  return true;
}

void worker(unsigned index, double seconds, long requests) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (long i = 0; requests > 0 ? i < requests : std::chrono::steady_clock::now() < end; ++i) {
    bool malformed = index == 2 && i % 10 == 9;
    handle_request(static_cast<unsigned>(i), malformed);
    if (requests == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* requests_text = program_options::option(argc, argv, "--requests");
  double seconds = program_options::seconds(argc, argv, 3.0);
  long requests = requests_text ? std::atol(requests_text) : 0;
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t) threads.emplace_back(worker, t, seconds, requests);
  for (auto& thread : threads) thread.join();
  std::printf("%u malformed requests\n", errors.load());
  return 0;
}
