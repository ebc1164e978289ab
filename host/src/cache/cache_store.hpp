#pragma once
// Where the response cache keeps its entries: in this process (MemoryCacheStore) or in Redis,
// shared by every instance (RedisCacheStore). Values are opaque bytes; names are
// "<provider>:<model>:<sha256>", so a glob such as "mock:*" selects a provider's entries.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace switchboard {

struct CacheSize {
  std::int64_t entries = 0;
  std::int64_t bytes = 0;
};

class CacheStore {
 public:
  virtual ~CacheStore() = default;
  virtual std::optional<std::string> get(const std::string& name) = 0;
  virtual void put(const std::string& name, const std::string& value, std::chrono::seconds ttl) = 0;
  // Removes the entries whose names match the glob `pattern` (`*`, `?`, `[…]`); returns how many.
  virtual std::int64_t erase_matching(const std::string& pattern) = 0;
  virtual CacheSize size() = 0;
  // "memory", "redis", or "memory (redis unavailable)".
  virtual std::string backend() = 0;
};

}  // namespace switchboard
