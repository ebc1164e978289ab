#pragma once
// Streamable HTTP sessions: an id issued at initialize (a random UUID), the protocol version
// it negotiated, and who opened it — a session is only ever found for the same credential,
// so a leaked id is no use to anyone else. Kept in this process: an idle one expires, and at
// capacity the least recently used gives way. Behind a load balancer, route by the
// Mcp-Session-Id header (or let clients initialize again on 404, as the spec has them do).

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace switchboard::mcp {

class SessionTable {
 public:
  SessionTable(std::size_t capacity, std::chrono::seconds idle_timeout)
      : capacity_(capacity), idle_timeout_(idle_timeout) {}

  // A new session for `owner`; its id.
  std::string open(const std::string& owner, const std::string& protocol_version);
  // The session's protocol version, when `id` is a live session of `owner` (and now used).
  std::optional<std::string> find(const std::string& id, const std::string& owner);
  // Ends it; false when there was no such session of `owner`.
  bool close(const std::string& id, const std::string& owner);

 private:
  struct Session {
    std::string owner;
    std::string protocol_version;
    std::chrono::steady_clock::time_point last_used;
  };
  void drop_expired(std::chrono::steady_clock::time_point now);

  std::size_t capacity_;
  std::chrono::seconds idle_timeout_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
};

}  // namespace switchboard::mcp
