#pragma once
// The response cache in this process: least recently used entries go first once either bound
// (entries, bytes) is reached; an entry past its time to live is gone when next looked at.

#include <list>
#include <mutex>
#include <unordered_map>

#include "cache_store.hpp"

namespace switchboard {

class MemoryCacheStore final : public CacheStore {
 public:
  using Clock = std::chrono::steady_clock;
  MemoryCacheStore(std::int64_t max_entries, std::int64_t max_bytes)
      : max_entries_(max_entries), max_bytes_(max_bytes) {}

  std::optional<std::string> get(const std::string& name) override;
  void put(const std::string& name, const std::string& value, std::chrono::seconds ttl) override;
  std::int64_t erase_matching(const std::string& pattern) override;
  CacheSize size() override;
  std::string backend() override { return "memory"; }

 private:
  struct Entry {
    std::string name;
    std::string value;
    Clock::time_point expires;
  };
  using Order = std::list<Entry>;  // most recently used first
  void erase(Order::iterator entry);

  const std::int64_t max_entries_;
  const std::int64_t max_bytes_;
  std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string, Order::iterator> by_name_;
  std::int64_t bytes_ = 0;
};

}  // namespace switchboard
