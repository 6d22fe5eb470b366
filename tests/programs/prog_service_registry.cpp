// A service whose session registry only grows: every request registers a session that is
// never removed while the service runs. At exit the registry is torn down slowly (entry by
// entry, as a service that closes each session cleanly), so snapshots taken during the
// teardown see every site fall together. The leak is still the registry's growth.
//   --seconds S    run for S seconds (default 3), 2000 requests a second (kept to the clock,
//                  so that a loaded machine changes the pace of the loop, not the growth)
//   --teardown S   spend about S seconds tearing the registry down (default 0.4)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "program_options.h"

namespace {

struct Session {
  Session* next;
  unsigned id;
  char peer[108];
};

Session* registry = nullptr;
unsigned long registered = 0;
unsigned checksum = 0;

__attribute__((noinline)) void register_session(unsigned id) {
  auto* session = new Session;  // LEAK-SITE
  session->id = id;
  std::snprintf(session->peer, sizeof session->peer, "10.0.%u.%u:%u", id >> 8 & 255, id & 255,
                40000 + id % 1000);
  session->next = registry;
  registry = session;
  ++registered;
}

// Per-request work whose memory is returned before the request ends.
__attribute__((noinline)) void handle_request(unsigned id) {
  char* reply = static_cast<char*>(std::malloc(2048));
  if (!reply) std::abort();
  std::memset(reply, static_cast<int>(id & 0x7f), 2048);
  checksum += static_cast<unsigned char>(reply[id % 2048]);
  std::free(reply);
}

void tear_down(double seconds) {
  unsigned long per_pause = registered / 40 + 1;
  auto pause = std::chrono::duration<double>(seconds / 40);
  unsigned long freed = 0;
  while (registry) {
    Session* next = registry->next;
    delete registry;
    registry = next;
    if (++freed % per_pause == 0) std::this_thread::sleep_for(pause);
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 3.0);
  const char* teardown_text = program_options::option(argc, argv, "--teardown");
  double teardown = teardown_text ? std::atof(teardown_text) : 0.4;
  auto start = std::chrono::steady_clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  unsigned done = 0;
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    auto due = static_cast<unsigned>(std::chrono::duration<double>(now - start).count() * 2000);
    for (; done < due; ++done) {
      register_session(done);
      handle_request(done);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  tear_down(teardown);
  std::printf("checksum %u\n", checksum);
  return 0;
}
