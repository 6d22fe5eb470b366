// Stopping every other thread of the process for an instant, so that a reachability scan
// sees one moment: each thread, on a real-time signal, saves its registers and stack pointer
// in its slot and waits on a futex until released. A thread inside the tracker when the
// signal lands (it may hold a tracker lock) parks when it leaves the tracker instead.
//
// While threads are stopped the stopping thread may only make system calls: a stopped
// thread may hold any lock of the C library (malloc's, the loader's, stdio's).
#pragma once

#include <atomic>
#include <cstdint>

namespace leakdbg::tracker {

inline constexpr int kSavedWords = 96;  // general registers, then vector registers

struct StoppedThread {
  std::atomic<uint32_t> tid;
  std::atomic<uint32_t> answered;  // the stop epoch it answered
  uint64_t sp;                     // stack pointer of the interrupted code
  uint64_t thread_pointer;         // its TLS base
  uint64_t altstack;               // its signal stack (sigaltstack), 0 if none
  uint64_t words[kSavedWords];     // registers
  uint32_t word_count;
  bool gone;  // exited before answering
};

struct ThreadStop {
  StoppedThread* threads = nullptr;  // the registry's slots, valid until release
  uint32_t count = 0;
  bool all_answered = false;
};

// Installs the stop signal's handler once. False when the program handles that signal.
bool prepare_thread_stop();

// Stops every thread but the caller and `skip_tid` (the tracker's own thread, whose stack
// holds no program data). Waits at most `timeout_ms` for answers; stop.all_answered says
// whether every thread answered. Always follow with release_threads().
void stop_other_threads(ThreadStop& stop, uint32_t skip_tid, int timeout_ms);
void release_threads(ThreadStop& stop);

// Fills `slot` (registers, stack pointer, TLS base) from a ucontext_t of the calling thread.
void save_thread_context(const void* ucontext, StoppedThread& slot);

// Set while threads are being stopped: leaving the tracker checks it (RecursionGuard).
extern std::atomic<int> g_stop_in_progress;
// Parks the calling thread if a stop signal landed while it was inside the tracker.
void park_if_stop_pending();

}  // namespace leakdbg::tracker
