#pragma once
// Sliding windows kept in Redis, so every instance pointed at the same server shares one
// allowance per client. Each window is a sorted set of admission times (milliseconds); one
// Lua script drops what has left the window, counts, and — when every window of the request
// has room — admits into all of them at once, so two instances can never both take the last
// slot. Connections come from a redis::Pool (common/redis).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include <redis/redis_pool.hpp>

#include "sliding_window.hpp"

namespace rate_limit {

struct WindowCheck {
  std::string key;  // the Redis key of one client's window
  int limit = 0;
  std::chrono::seconds length{0};  // 0: the windows' own length
};

class RedisWindows {
 public:
  RedisWindows(switchboard::redis::Address address, std::chrono::seconds window, std::string key_prefix);
  RedisWindows(const RedisWindows&) = delete;
  RedisWindows& operator=(const RedisWindows&) = delete;

  // One decision per window, in order; `admit` false only looks. An error when Redis cannot
  // be reached or answers something unexpected.
  tl::expected<std::vector<Decision>, std::string> decide(const std::vector<WindowCheck>& windows,
                                                          Clock::time_point now, bool admit);
  const std::string& prefix() const { return prefix_; }

 private:
  switchboard::redis::Pool pool_;
  const std::chrono::seconds window_;
  const std::string prefix_;
  std::mutex mutex_;
  std::uint64_t sequence_ = 0;  // makes each admission a distinct member
};

}  // namespace rate_limit
