#include "tracker/thread_stop.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "tracker/raw_memory.h"
#include "tracker/thread_state.h"

namespace leakdbg::tracker {

std::atomic<int> g_stop_in_progress{0};

namespace {

constexpr uint32_t kMaxThreads = 4096;

// Near the top of the real-time range, away from SIGRTMIN+n, which programs use first.
int stop_signal() { return SIGRTMAX - 2; }

StoppedThread* g_slots = nullptr;
std::atomic<uint32_t> g_slot_count{0};
std::atomic<uint32_t> g_epoch{0};  // odd while a stop is in progress
std::atomic<uint32_t> g_answers{0};
__thread int t_stop_pending __attribute__((tls_model("initial-exec"))) = 0;

long futex(std::atomic<uint32_t>* word, int op, uint32_t value, const timespec* timeout) {
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op, value, timeout, nullptr, 0);
}

uint64_t thread_pointer() {
  uint64_t tp = 0;
#if defined(__x86_64__)
  asm volatile("mov %%fs:0, %0" : "=r"(tp));
#elif defined(__aarch64__)
  asm volatile("mrs %0, tpidr_el0" : "=r"(tp));
#endif
  return tp;
}

void save_context(const ucontext_t* uc, StoppedThread& slot) {
  slot.gone = false;
  slot.word_count = 0;
  slot.thread_pointer = thread_pointer();
  // The kernel holds a signal stack's address: the program may keep no pointer to it.
  stack_t altstack{};
  slot.altstack = syscall(SYS_sigaltstack, nullptr, &altstack) == 0 &&
                          !(altstack.ss_flags & SS_DISABLE) && altstack.ss_size
                      ? reinterpret_cast<uint64_t>(altstack.ss_sp)
                      : 0;
#if defined(__x86_64__)
  const greg_t* g = uc->uc_mcontext.gregs;
  slot.sp = static_cast<uint64_t>(g[REG_RSP]);
  for (int i = 0; i < NGREG && slot.word_count < kSavedWords; ++i)
    slot.words[slot.word_count++] = static_cast<uint64_t>(g[i]);
  // Vector registers hold pointers too (structure copies, vectorised loops).
  if (uc->uc_mcontext.fpregs) {
    const auto* xmm = reinterpret_cast<const uint64_t*>(uc->uc_mcontext.fpregs->_xmm);
    for (int i = 0; i < 32 && slot.word_count < kSavedWords; ++i)
      slot.words[slot.word_count++] = xmm[i];
  }
#elif defined(__aarch64__)
  slot.sp = uc->uc_mcontext.sp;
  for (int i = 0; i < 31 && slot.word_count < kSavedWords; ++i)
    slot.words[slot.word_count++] = uc->uc_mcontext.regs[i];
#else
  (void)uc;
  slot.sp = 0;
#endif
}

StoppedThread* find_slot(uint32_t tid) {
  const uint32_t count = g_slot_count.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < count; ++i)
    if (g_slots[i].tid.load(std::memory_order_relaxed) == tid) return &g_slots[i];
  return nullptr;
}

void park(const ucontext_t* uc) {
  const uint32_t epoch = g_epoch.load(std::memory_order_acquire);
  if (!(epoch & 1) || g_slots == nullptr) return;  // a late signal: that stop is over
  StoppedThread* slot = find_slot(static_cast<uint32_t>(syscall(SYS_gettid)));
  if (slot == nullptr || slot->answered.load(std::memory_order_relaxed) == epoch) return;
  save_context(uc, *slot);
  slot->answered.store(epoch, std::memory_order_release);
  g_answers.fetch_add(1, std::memory_order_release);
  futex(&g_answers, FUTEX_WAKE_PRIVATE, 1, nullptr);
  while (g_epoch.load(std::memory_order_acquire) == epoch)
    futex(&g_epoch, FUTEX_WAIT_PRIVATE, epoch, nullptr);
}

void on_stop_signal(int, siginfo_t*, void* context) {
  const int saved_errno = errno;
  // Inside the tracker the thread may hold one of its locks: park when it leaves.
  if (t_guard_depth != 0)
    t_stop_pending = 1;
  else
    park(static_cast<const ucontext_t*>(context));
  errno = saved_errno;
}

uint64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1'000'000;
}

struct LinuxDirent {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[1];
};

// Signals every thread not yet in the slots; returns how many were new, or -1 when the
// task list could not be read or the slots are full.
int signal_new_threads(uint32_t self, uint32_t skip) {
  int fd = static_cast<int>(
      syscall(SYS_openat, AT_FDCWD, "/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd < 0) return -1;
  int found = 0;
  alignas(8) char buffer[4096];
  const int pid = static_cast<int>(syscall(SYS_getpid));
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const LinuxDirent*>(buffer + at);
      at += entry->reclen;
      uint32_t tid = 0;
      const char* c = entry->name;
      if (*c < '0' || *c > '9') continue;
      for (; *c >= '0' && *c <= '9'; ++c) tid = tid * 10 + static_cast<uint32_t>(*c - '0');
      if (tid == self || tid == skip || find_slot(tid)) continue;
      const uint32_t index = g_slot_count.load(std::memory_order_relaxed);
      if (index == kMaxThreads) {
        syscall(SYS_close, fd);
        return -1;
      }
      StoppedThread& slot = g_slots[index];
      slot.tid.store(tid, std::memory_order_relaxed);
      slot.answered.store(0, std::memory_order_relaxed);
      slot.gone = false;
      slot.word_count = 0;
      g_slot_count.store(index + 1, std::memory_order_release);
      if (syscall(SYS_tgkill, pid, tid, stop_signal()) != 0) slot.gone = true;
      ++found;
    }
  }
  syscall(SYS_close, fd);
  return found;
}

// Waits until every slot answered or is gone; false at the deadline.
bool wait_for_answers(uint32_t epoch, uint64_t deadline) {
  const int pid = static_cast<int>(syscall(SYS_getpid));
  for (;;) {
    const uint32_t answers = g_answers.load(std::memory_order_acquire);
    bool waiting = false;
    const uint32_t count = g_slot_count.load(std::memory_order_relaxed);
    for (uint32_t i = 0; i < count; ++i) {
      StoppedThread& slot = g_slots[i];
      if (slot.gone || slot.answered.load(std::memory_order_acquire) == epoch) continue;
      // A thread that ended meanwhile will not answer.
      if (syscall(SYS_tgkill, pid, slot.tid.load(std::memory_order_relaxed), 0) != 0 &&
          errno == ESRCH) {
        slot.gone = true;
        continue;
      }
      waiting = true;
    }
    if (!waiting) return true;
    if (now_ms() >= deadline) return false;
    timespec pause{0, 1'000'000};
    futex(&g_answers, FUTEX_WAIT_PRIVATE, answers, &pause);
  }
}

}  // namespace

bool prepare_thread_stop() {
  if (g_slots == nullptr) {
    g_slots = static_cast<StoppedThread*>(map_pages(sizeof(StoppedThread) * kMaxThreads));
    if (g_slots == nullptr) return false;
  }
  struct sigaction current {};
  if (sigaction(stop_signal(), nullptr, &current) != 0) return false;
  if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_stop_signal) return true;
  if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) return false;
  struct sigaction action {};
  action.sa_sigaction = on_stop_signal;
  action.sa_flags = SA_SIGINFO | SA_RESTART;
  // Nothing else runs on a parked thread: its memory must stay as it was at the stop.
  sigfillset(&action.sa_mask);
  return sigaction(stop_signal(), &action, nullptr) == 0;
}

void stop_other_threads(ThreadStop& stop, uint32_t skip_tid, int timeout_ms) {
  stop.all_answered = false;
  stop.count = 0;
  stop.threads = g_slots;
  if (g_slots == nullptr) return;
  g_slot_count.store(0, std::memory_order_relaxed);
  const uint32_t epoch = g_epoch.load(std::memory_order_relaxed) + 1;
  g_stop_in_progress.store(1, std::memory_order_relaxed);
  g_epoch.store(epoch, std::memory_order_release);
  const auto self = static_cast<uint32_t>(syscall(SYS_gettid));
  const uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  // Listed again until no new thread shows up: a thread may start one before it stops.
  for (;;) {
    int fresh = signal_new_threads(self, skip_tid);
    if (fresh < 0 || !wait_for_answers(epoch, deadline)) break;
    if (fresh == 0) {
      stop.all_answered = true;
      break;
    }
  }
  stop.count = g_slot_count.load(std::memory_order_acquire);
}

void save_thread_context(const void* ucontext, StoppedThread& slot) {
  save_context(static_cast<const ucontext_t*>(ucontext), slot);
  slot.tid.store(static_cast<uint32_t>(syscall(SYS_gettid)), std::memory_order_relaxed);
}

void release_threads(ThreadStop&) {
  g_epoch.fetch_add(1, std::memory_order_release);
  g_stop_in_progress.store(0, std::memory_order_relaxed);
  futex(&g_epoch, FUTEX_WAKE_PRIVATE, 0x7fffffff, nullptr);
}

void park_if_stop_pending() {
  if (!t_stop_pending) return;
  t_stop_pending = 0;
  // The program's callee-saved registers are here or in the tracker's frames above, which
  // the scan reads too (from this stack pointer up).
  ucontext_t uc;
  getcontext(&uc);
  park(&uc);
}

}  // namespace leakdbg::tracker
