// Two growing sites that growth alone cannot tell apart: every request leaks its parsed
// header (the pointer is dropped: unreachable, with the header's name behind it indirect)
// and registers a session in a global table that nothing ever clears (reachable, held by
// g_registry). Runs until --seconds S (default 1.5), 400 requests a second; prints how many
// of each it made.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "program_options.h"

namespace {

struct Header {
  char* name;
  unsigned id;
  char value[52];
};

struct Session {
  unsigned id;
  char peer[44];
};

constexpr unsigned kMaxSessions = 1 << 16;
unsigned long g_checksum = 0;

}  // namespace

// Outside the anonymous namespace and read at the end, so that the compiler keeps it.
Session* g_registry[kMaxSessions];
unsigned g_sessions = 0;

namespace {

__attribute__((noinline)) Header* parse_header(unsigned id) {
  auto* header = new Header;  // LEAK-SITE
  header->name = new char[24];
  std::snprintf(header->name, 24, "X-Request-%u", id);
  header->id = id;
  std::snprintf(header->value, sizeof header->value, "%u", id * 7);
  return header;
}

// Uses the header and forgets it: the leak.
__attribute__((noinline)) void handle_request(unsigned id) {
  Header* header = parse_header(id);
  g_checksum += static_cast<unsigned char>(header->value[0]) + header->name[3];
}

__attribute__((noinline)) void register_session(unsigned id) {
  if (g_sessions == kMaxSessions) return;
  auto* session = new Session;  // HELD-SITE
  session->id = id;
  std::snprintf(session->peer, sizeof session->peer, "10.1.%u.%u", id >> 8 & 255, id & 255);
  g_registry[g_sessions++] = session;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = program_options::seconds(argc, argv, 1.5);
  auto start = std::chrono::steady_clock::now();
  auto end = start + std::chrono::duration<double>(seconds);
  unsigned done = 0;
  for (auto now = start; now < end; now = std::chrono::steady_clock::now()) {
    auto due = static_cast<unsigned>(std::chrono::duration<double>(now - start).count() * 400);
    for (; done < due; ++done) {
      handle_request(done);
      register_session(done);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (unsigned i = 0; i < g_sessions; ++i) g_checksum += g_registry[i]->id;
  std::printf("requests %u sessions %u checksum %lu\n", done, g_sessions, g_checksum);
  return 0;
}
