// Leaks COUNT blocks of 40 bytes, then ends the way MODE says, so that tests can check the
// exit snapshot of every way a process ends:
//   exit   returns from main (static destructors run)
//   _exit  calls _exit(7) (no destructors)
//   wait   keeps two threads allocating and freeing, creates READY_FILE, and waits for a
//          signal to end it (the test sends SIGTERM or SIGINT)
//
// usage: prog_tracker_ending MODE COUNT [READY_FILE]
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

std::vector<void*>* g_kept = nullptr;  // reachable, but never freed: the tracker counts them

__attribute__((noinline)) void leak(int count) {
  g_kept = new std::vector<void*>();
  for (int i = 0; i < count; ++i) g_kept->push_back(std::malloc(40));
}

// Keeps the allocator busy so that the signal usually lands inside a hook.
[[noreturn]] void churn() {
  void* slots[64] = {};
  for (unsigned i = 0;; ++i) {
    std::free(slots[i % 64]);
    slots[i % 64] = std::malloc(16 + i % 200);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: prog_tracker_ending exit|_exit|wait COUNT [READY_FILE]\n");
    return 2;
  }
  leak(std::atoi(argv[2]));
  if (std::strcmp(argv[1], "exit") == 0) return 0;
  if (std::strcmp(argv[1], "_exit") == 0) _exit(7);
  if (std::strcmp(argv[1], "wait") != 0 || argc < 4) return 2;
  std::thread(churn).detach();
  std::thread(churn).detach();
  if (FILE* ready = std::fopen(argv[3], "w")) std::fclose(ready);
  for (;;) pause();
}
