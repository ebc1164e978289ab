#include "sessions.hpp"

#include <algorithm>

#include <switchboard/request_id.hpp>

namespace switchboard::mcp {

void SessionTable::drop_expired(std::chrono::steady_clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& entry) { return now - entry.second.last_used > idle_timeout_; });
}

std::string SessionTable::open(const std::string& owner, const std::string& protocol_version) {
  const auto now = std::chrono::steady_clock::now();
  std::string id = new_uuid();
  std::lock_guard lock(mutex_);
  drop_expired(now);
  if (sessions_.size() >= capacity_ && !sessions_.empty()) {
    sessions_.erase(std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    }));
  }
  sessions_[id] = {owner, protocol_version, now};
  return id;
}

std::optional<std::string> SessionTable::find(const std::string& id, const std::string& owner) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > idle_timeout_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  if (it->second.owner != owner) return std::nullopt;
  it->second.last_used = now;
  return it->second.protocol_version;
}

bool SessionTable::close(const std::string& id, const std::string& owner) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.owner != owner) return false;
  sessions_.erase(it);
  return true;
}

}  // namespace switchboard::mcp
