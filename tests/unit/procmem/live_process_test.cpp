#include "procmem/live_process.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "util/error.h"

namespace leakdbg::procmem {
namespace {

TEST(LiveProcess, ParsesSyscallStackPointer) {
  EXPECT_EQ(parse_syscall_sp(
                "202 0x55c5a991a18c 0x189 0x0 0x0 0x0 0xffffffff 0x7efc3ec1cd30 0x7efc3eca3f16\n"),
            0x7efc3ec1cd30u);
  EXPECT_EQ(parse_syscall_sp("-1 0x7ffc12345678 0x7f0000001234\n"), 0x7ffc12345678u);
  EXPECT_FALSE(parse_syscall_sp("running\n"));
  EXPECT_FALSE(parse_syscall_sp(""));
  EXPECT_FALSE(parse_syscall_sp("202 0x1 0x2"));
  EXPECT_FALSE(parse_syscall_sp("-1 zz 0x1\n"));
  EXPECT_FALSE(parse_syscall_sp("-1 0x 0x1\n"));
}

TEST(LiveProcess, ViewOfThisProcess) {
  // A private mapping of a known size, touched, and a thread blocked in a system call.
  constexpr size_t kSize = 3 << 20;
  void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  std::memset(p, 1, kSize);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::atomic<uintptr_t> thread_sp{0};
  std::thread blocked([&] {
    int local = 0;
    thread_sp = reinterpret_cast<uintptr_t>(&local);
    char c;
    (void)!read(fds[0], &c, 1);
  });
  while (!thread_sp) std::this_thread::yield();
  usleep(20000);

  VmView view = view_of_process(getpid());
  auto address = reinterpret_cast<uint64_t>(p);
  bool found_private = false, found_thread_stack = false, found_image = false;
  for (const auto& piece : view.pieces) {
    if (piece.start <= address && address < piece.end) {
      found_private = piece.type == MemType::kPrivateData;
      EXPECT_GE(piece.end - address, kSize);
    }
    if (piece.start <= thread_sp && thread_sp < piece.end) {
      found_thread_stack = piece.type == MemType::kStack;
      EXPECT_NE(piece.label.find("thread"), std::string::npos) << piece.label;
    }
    if (piece.type == MemType::kImage &&
        view.mappings[piece.mapping].path.find("procmem_tests") != std::string::npos)
      found_image = true;
  }
  EXPECT_TRUE(found_private);
  EXPECT_TRUE(found_thread_stack);
  EXPECT_TRUE(found_image);
  EXPECT_GE(view.summary.of(MemType::kPrivateData).rss, kSize);
  EXPECT_GT(view.summary.of(MemType::kPageTable).size, 0u);
  EXPECT_GT(view.summary.of(MemType::kStack).size, 0u);
  ASSERT_TRUE(view.status);
  EXPECT_GE(view_private_bytes(view), kSize);

  (void)!write(fds[1], "x", 1);
  blocked.join();
  close(fds[0]);
  close(fds[1]);
  munmap(p, kSize);
}

TEST(LiveProcess, GoneProcessIsOneClearLine) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);
  try {
    view_of_process(child);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "process " + std::to_string(child) + ": no such process");
  }
  EXPECT_FALSE(process_start_ticks(child));
}

TEST(LiveProcess, ZombieHasNoMemoryToShow) {
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  usleep(50000);  // not reaped yet: a zombie
  EXPECT_THROW(view_of_process(child), Error);
  waitpid(child, nullptr, 0);
}

TEST(LiveProcess, FactsAboutThisProcess) {
  EXPECT_TRUE(process_start_ticks(getpid()));
  EXPECT_EQ(process_name(getpid()).substr(0, 8), "procmem_");
  EXPECT_FALSE(is_tracked(getpid()));
  EXPECT_NE(read_proc_text(getpid(), "maps").find("procmem_tests"), std::string::npos);
}

}  // namespace
}  // namespace leakdbg::procmem
