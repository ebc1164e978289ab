#pragma once
// Sliding windows kept in Redis, so every instance pointed at the same server shares one
// allowance per client. Each window is a sorted set of admission times (milliseconds); one
// Lua script drops what has left the window, counts, and — when every window of the request
// has room — admits into all of them at once, so two instances can never both take the last
// slot. Connections (hiredis, blocking, short timeouts) are pooled; a broken one is dropped
// and the next call connects again.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "sliding_window.hpp"

struct redisContext;

namespace rate_limit {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // empty: no AUTH
  int database = 0;
};

// redis://[:password@]host[:port][/database]; an error names what is wrong (never the password).
tl::expected<RedisAddress, std::string> parse_redis_url(const std::string& url);

struct WindowCheck {
  std::string key;  // the Redis key of one client's window
  int limit = 0;
};

class RedisWindows {
 public:
  RedisWindows(RedisAddress address, std::chrono::seconds window, std::string key_prefix);
  ~RedisWindows();
  RedisWindows(const RedisWindows&) = delete;
  RedisWindows& operator=(const RedisWindows&) = delete;

  // One decision per window, in order; `admit` false only looks. An error when Redis cannot
  // be reached or answers something unexpected.
  tl::expected<std::vector<Decision>, std::string> decide(const std::vector<WindowCheck>& windows,
                                                          Clock::time_point now, bool admit);
  const std::string& prefix() const { return prefix_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;
  tl::expected<Connection, std::string> connect();

  const RedisAddress address_;
  const std::chrono::seconds window_;
  const std::string prefix_;
  std::mutex mutex_;
  std::vector<Connection> idle_;
  std::uint64_t sequence_ = 0;  // makes each admission a distinct member
};

}  // namespace rate_limit
