#include "failure_window.hpp"

#include <algorithm>

namespace auth {

std::optional<std::chrono::seconds> FailureWindow::blocked(const std::string& client, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto found = clients_.find(client);
  if (found == clients_.end() || found->second.count < limit_) return std::nullopt;
  const auto ends = found->second.started + window_;
  if (ends <= now) return std::nullopt;
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ends - now));
}

int FailureWindow::fail(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now - last_sweep_ >= window_) sweep(now);
  auto& failures = clients_[client];
  if (failures.count == 0 || failures.started + window_ <= now) failures = {now, 0};
  return ++failures.count;
}

void FailureWindow::sweep(Clock::time_point now) {
  last_sweep_ = now;
  std::erase_if(clients_, [&](const auto& each) { return each.second.started + window_ <= now; });
}

}  // namespace auth
