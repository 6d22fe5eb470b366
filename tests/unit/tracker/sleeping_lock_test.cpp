#include "tracker/sleeping_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace leakdbg::tracker {
namespace {

TEST(SleepingLock, ThreadsKeepExactCountsUnderContention) {
  SleepingLock lock;
  uint64_t counter = 0;  // plain: only the lock orders the increments
  constexpr int kThreads = 4, kRounds = 200000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        SleepingLockGuard guard(lock);
        ++counter;
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter, uint64_t{kThreads} * kRounds);
}

// A waiter that went to sleep on the lock is woken by the unlock, and gets it.
TEST(SleepingLock, AWaiterHeldLongEnoughToSleepIsWokenByTheUnlock) {
  SleepingLock lock;
  lock.lock();
  std::atomic<bool> entered{false};
  std::thread waiter([&] {
    lock.lock();
    entered = true;
    lock.unlock();
  });
  // Long past the waiter's spin: it sleeps in the kernel by now (or is about to).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(entered.load());
  lock.unlock();
  waiter.join();
  EXPECT_TRUE(entered.load());
  lock.lock();  // free again, not left marked as held
  lock.unlock();
}

TEST(SleepingLock, ResetFreesALockHeldAcrossFork) {
  SleepingLock lock;
  lock.lock();
  lock.reset();
  lock.lock();
  lock.unlock();
  SUCCEED();
}

}  // namespace
}  // namespace leakdbg::tracker
