#include "memory_kv.hpp"

namespace switchboard {

std::optional<std::string> MemoryKeyValueStore::get(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires <= std::chrono::steady_clock::now()) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.value;
}

void MemoryKeyValueStore::put(const std::string& key, std::string value, std::chrono::seconds ttl) {
  auto expires =
      ttl.count() > 0 ? std::chrono::steady_clock::now() + ttl : std::chrono::steady_clock::time_point::max();
  std::lock_guard lock(mutex_);
  entries_[key] = Entry{std::move(value), expires};
}

void MemoryKeyValueStore::erase(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

}  // namespace switchboard
