// Builds messages by growing a buffer with realloc; the finished message is handed to a
// sink that only copies what it needs, and nobody frees the grown buffer.
//   --seconds S    run for S seconds (default 3), a message every 2 ms
//   --messages N   instead build exactly N messages, as fast as possible
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "program_options.h"

namespace {

unsigned sink_checksum = 0;

void sink(const char* message, size_t length) {
  for (size_t i = 0; i < length; i += 16) sink_checksum += static_cast<unsigned char>(message[i]);
}

__attribute__((noinline)) void build_message(unsigned id) {
  char* buffer = static_cast<char*>(std::malloc(32));
  if (!buffer) std::abort();
  int header = std::snprintf(buffer, 32, "msg %u:", id);
  size_t length = static_cast<size_t>(header);
  char* grown = static_cast<char*>(std::realloc(buffer, 320));  // LEAK-SITE
  if (!grown) std::abort();
  buffer = grown;
  for (unsigned i = 0; i < 8; ++i)
    length +=
        static_cast<size_t>(std::snprintf(buffer + length, 320 - length, " field%u=%u", i, id * i));
  sink(buffer, length);
  // Missing: std::free(buffer);
}

__attribute__((noinline)) void build_scratch(unsigned id) {
  char* buffer = static_cast<char*>(std::malloc(64));
  if (!buffer) std::abort();
  char* grown = static_cast<char*>(std::realloc(buffer, 4096));
  if (!grown) std::abort();
  std::memset(grown, static_cast<int>(id & 0x7f), 4096);
  sink(grown, 4096);
  std::free(grown);
}

}  // namespace

int main(int argc, char** argv) {
  const char* messages_text = program_options::option(argc, argv, "--messages");
  double seconds = program_options::seconds(argc, argv, 3.0);
  long messages = messages_text ? std::atol(messages_text) : 0;
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (long i = 0; messages > 0 ? i < messages : std::chrono::steady_clock::now() < end; ++i) {
    build_message(static_cast<unsigned>(i));
    build_scratch(static_cast<unsigned>(i));
    if (messages == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::printf("checksum %u\n", sink_checksum);
  return 0;
}
