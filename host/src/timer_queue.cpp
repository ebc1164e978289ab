#include "timer_queue.hpp"

namespace switchboard {

TimerQueue::TimerQueue() : thread_([this] { run(); }) {}

TimerQueue::~TimerQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void TimerQueue::schedule(std::chrono::milliseconds delay, std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    entries_.push({std::chrono::steady_clock::now() + delay, sequence_++, std::move(callback)});
  }
  wake_.notify_one();
}

void TimerQueue::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (entries_.empty()) {
      wake_.wait(lock);
      continue;
    }
    const auto due = entries_.top().due;
    if (due > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, due);
      continue;
    }
    auto callback = std::move(const_cast<Entry&>(entries_.top()).callback);
    entries_.pop();
    lock.unlock();
    callback();
    lock.lock();
  }
}

}  // namespace switchboard
