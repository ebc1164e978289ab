#pragma once
// A bounded pool of threads for work that waits (framework tasks wait on LLM calls), so the
// reactor threads never do. Bounded twice: a fixed number of threads and a fixed queue;
// when both are full, `try_submit` refuses and the caller answers 503, never hangs.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace switchboard {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();  // runs what is queued, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false when every thread is busy and `queue_capacity` tasks already wait,
  // or the pool is stopping.
  bool try_submit(std::function<void()> task);
  // Stops taking tasks, finishes the queued ones and joins the threads.
  void shutdown();

  std::size_t queued() const;
  std::size_t busy() const;
  std::size_t threads() const { return threads_.size(); }
  std::size_t queue_capacity() const { return capacity_; }

 private:
  void run();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace switchboard
