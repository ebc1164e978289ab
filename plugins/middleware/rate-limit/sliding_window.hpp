#pragma once
// An exact sliding-window limiter: each key keeps the times of its admitted requests in the
// last window, so "N per minute" holds for every minute-long span — not only for aligned
// ones — and the boundary is exact: the N-th request in a window passes, the N+1-th does not
// until the oldest leaves the window. Memory is at most `limit` times per active key; keys
// idle for a whole window are dropped on the next sweep.

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace rate_limit {

using Clock = std::chrono::system_clock;

struct Decision {
  bool allowed = false;
  int limit = 0;
  int remaining = 0;              // after this request
  std::chrono::seconds reset{0};  // until a slot frees (the oldest request leaves the window)
};

class SlidingWindow {
 public:
  SlidingWindow(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}
  // Admits (and counts) a request of `key` at `now`, or refuses it (not counted).
  Decision admit(const std::string& key, Clock::time_point now);
  // Where `key` stands at `now`, counting nothing (for the headers of a response).
  Decision peek(const std::string& key, Clock::time_point now) const;
  std::size_t keys() const;
  int limit() const { return limit_; }

 private:
  void sweep(Clock::time_point now);
  Decision decide(const std::deque<Clock::time_point>& times, Clock::time_point now) const;

  const int limit_;
  const std::chrono::seconds window_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> admitted_;
  Clock::time_point last_sweep_{};
};

}  // namespace rate_limit
