#pragma once
// The response cache in Redis, shared by every instance pointed at the same server: one
// string key per entry (`<prefix><name>`) with the entry's time to live. When Redis cannot be
// reached the cache carries on in this process (a MemoryCacheStore) and tries Redis again
// after a pause, so an outage costs hits, never requests.

#include <atomic>

#include <redis/redis_pool.hpp>

#include "cache_store.hpp"
#include "memory_cache_store.hpp"

namespace switchboard {

class RedisCacheStore final : public CacheStore {
 public:
  RedisCacheStore(redis::Address address, std::string prefix, std::int64_t max_entries, std::int64_t max_bytes);

  std::optional<std::string> get(const std::string& name) override;
  void put(const std::string& name, const std::string& value, std::chrono::seconds ttl) override;
  std::int64_t erase_matching(const std::string& pattern) override;
  CacheSize size() override;
  std::string backend() override;

 private:
  // Whether Redis may be tried now (not within the pause after a failure).
  bool redis_usable() const;
  void redis_failed(const std::string& why);
  // Calls `each` with every key matching `pattern` (SCAN); false when Redis failed.
  template <typename Each>
  bool scan(const std::string& pattern, Each each);

  redis::Pool pool_;
  const std::string prefix_;
  MemoryCacheStore fallback_;
  std::atomic<std::int64_t> retry_at_ms_{0};  // steady clock; 0: Redis is fine
  std::atomic<std::int64_t> logged_at_ms_{0};
};

}  // namespace switchboard
