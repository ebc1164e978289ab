#include "memory_cache_store.hpp"

#include <fnmatch.h>

namespace switchboard {

std::optional<std::string> MemoryCacheStore::get(const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto found = by_name_.find(name);
  if (found == by_name_.end()) return std::nullopt;
  if (found->second->expires <= Clock::now()) {
    erase(found->second);
    return std::nullopt;
  }
  order_.splice(order_.begin(), order_, found->second);
  return found->second->value;
}

void MemoryCacheStore::put(const std::string& name, const std::string& value, std::chrono::seconds ttl) {
  const auto size = static_cast<std::int64_t>(name.size() + value.size());
  if (size > max_bytes_ || max_entries_ <= 0) return;
  std::lock_guard lock(mutex_);
  if (const auto found = by_name_.find(name); found != by_name_.end()) erase(found->second);
  while (!order_.empty() && (bytes_ + size > max_bytes_ || static_cast<std::int64_t>(order_.size()) >= max_entries_)) {
    erase(std::prev(order_.end()));
  }
  order_.push_front(Entry{name, value, Clock::now() + ttl});
  by_name_[name] = order_.begin();
  bytes_ += size;
}

std::int64_t MemoryCacheStore::erase_matching(const std::string& pattern) {
  std::lock_guard lock(mutex_);
  std::int64_t erased = 0;
  for (auto it = order_.begin(); it != order_.end();) {
    const auto next = std::next(it);
    if (fnmatch(pattern.c_str(), it->name.c_str(), 0) == 0) {
      erase(it);
      ++erased;
    }
    it = next;
  }
  return erased;
}

CacheSize MemoryCacheStore::size() {
  std::lock_guard lock(mutex_);
  // Expired entries still hold memory until looked at or pushed out; drop them first so the
  // figures say what is usable.
  const auto now = Clock::now();
  for (auto it = order_.begin(); it != order_.end();) {
    const auto next = std::next(it);
    if (it->expires <= now) erase(it);
    it = next;
  }
  return {static_cast<std::int64_t>(order_.size()), bytes_};
}

void MemoryCacheStore::erase(Order::iterator entry) {
  bytes_ -= static_cast<std::int64_t>(entry->name.size() + entry->value.size());
  by_name_.erase(entry->name);
  order_.erase(entry);
}

}  // namespace switchboard
