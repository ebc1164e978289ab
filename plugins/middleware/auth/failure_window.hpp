#pragma once
// Failed authentications per client, in fixed windows: a client that failed `limit` times is
// refused until its window ends, before its credentials are even looked at (no store lookup,
// no audit row per guess). Clients whose windows have ended are dropped on the next sweep, so
// memory follows the clients failing now.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace auth {

using Clock = std::chrono::system_clock;

class FailureWindow {
 public:
  FailureWindow(int limit, std::chrono::seconds window) : limit_(limit), window_(window) {}

  // How long `client` must wait when it has used up its failures; nothing when it may try.
  std::optional<std::chrono::seconds> blocked(const std::string& client, Clock::time_point now) const;
  // Counts a failure of `client`; returns its failures in the current window, this one included.
  int fail(const std::string& client, Clock::time_point now);

  int limit() const { return limit_; }
  std::chrono::seconds window() const { return window_; }

 private:
  struct Failures {
    Clock::time_point started;
    int count = 0;
  };
  void sweep(Clock::time_point now);

  const int limit_;
  const std::chrono::seconds window_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Failures> clients_;
  Clock::time_point last_sweep_{};
};

}  // namespace auth
