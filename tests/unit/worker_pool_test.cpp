#include <switchboard/worker_pool.hpp>

#include <atomic>
#include <future>

#include <gtest/gtest.h>

namespace switchboard {
namespace {

TEST(WorkerPool, RunsTasksOnItsThreads) {
  WorkerPool pool(2, 8);
  std::promise<std::thread::id> ran;
  ASSERT_TRUE(pool.try_submit([&] { ran.set_value(std::this_thread::get_id()); }));
  EXPECT_NE(ran.get_future().get(), std::this_thread::get_id());
}

TEST(WorkerPool, RefusesWhenThreadsAndQueueAreFull) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.try_submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();                                    // the only thread is busy
  EXPECT_TRUE(pool.try_submit([released] { released.wait(); }));  // the one queue slot
  EXPECT_FALSE(pool.try_submit([] {}));                           // nothing left: refuse, never block
  EXPECT_EQ(pool.busy(), 1u);
  EXPECT_EQ(pool.queued(), 1u);
  release.set_value();
}

TEST(WorkerPool, ShutdownFinishesQueuedTasksThenRefuses) {
  std::atomic<int> done{0};
  WorkerPool pool(1, 100);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.try_submit([&] { ++done; }));
  pool.shutdown();
  EXPECT_EQ(done.load(), 50);
  EXPECT_FALSE(pool.try_submit([] {}));
}

}  // namespace
}  // namespace switchboard
