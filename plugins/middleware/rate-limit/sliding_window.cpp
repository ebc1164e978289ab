#include "sliding_window.hpp"

#include <algorithm>

namespace rate_limit {

Decision SlidingWindow::admit(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - last_sweep_ >= window_) sweep(now);
  auto& times = admitted_[key];
  while (!times.empty() && times.front() <= now - window_) times.pop_front();
  const bool allowed = static_cast<int>(times.size()) < limit_;
  if (allowed) times.push_back(now);
  Decision decision = decide(times, now);
  decision.allowed = allowed;
  return decision;
}

Decision SlidingWindow::peek(const std::string& key, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  std::deque<Clock::time_point> inside;
  if (const auto found = admitted_.find(key); found != admitted_.end()) {
    for (const auto when : found->second)
      if (when > now - window_) inside.push_back(when);
  }
  return decide(inside, now);
}

Decision SlidingWindow::decide(const std::deque<Clock::time_point>& times, Clock::time_point now) const {
  Decision decision;
  decision.limit = limit_;
  decision.allowed = static_cast<int>(times.size()) < limit_;
  decision.remaining = std::max(0, limit_ - static_cast<int>(times.size()));
  const auto oldest = times.empty() ? now : times.front();
  decision.reset = std::chrono::ceil<std::chrono::seconds>(oldest + window_ - now);
  return decision;
}

std::size_t SlidingWindow::keys() const {
  std::lock_guard lock(mutex_);
  return admitted_.size();
}

void SlidingWindow::sweep(Clock::time_point now) {
  last_sweep_ = now;
  for (auto it = admitted_.begin(); it != admitted_.end();) {
    if (it->second.empty() || it->second.back() <= now - window_) {
      it = admitted_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rate_limit
