#pragma once
// Runs callbacks after a delay on one thread of its own: the backoff between retries of
// asynchronous calls, which must not sleep on the upstream thread or hold a worker.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace switchboard {

class TimerQueue {
 public:
  TimerQueue();
  ~TimerQueue();  // runs nothing more; pending callbacks are dropped
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  void schedule(std::chrono::milliseconds delay, std::function<void()> callback);

 private:
  struct Entry {
    std::chrono::steady_clock::time_point due;
    std::uint64_t sequence;
    std::function<void()> callback;
    bool operator>(const Entry& other) const { return due != other.due ? due > other.due : sequence > other.sequence; }
  };
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> entries_;
  std::uint64_t sequence_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace switchboard
