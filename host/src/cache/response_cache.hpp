#pragma once
// The host's response cache: an LLM call identical to one answered before — same provider
// instance, model, messages and parameters, and the same owner (owner.hpp: tenant, unless
// `cache.shared_across_keys`) —
// is answered from the cache instead of the provider. Names are
// "<provider>:<model>:<SHA-256 of the call>"; values are the answer and what it cost, zlib-
// compressed above `cache.compress_above_bytes`. Counts hits, misses and the cost saved.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include <switchboard/config.hpp>
#include <switchboard/plugin/chat.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace switchboard {

class CacheStore;

struct CachedAnswer {
  plugin::ChatResult result;
  std::int64_t cost_nanousd = 0;  // what the provider call cost when it was made
};

class ResponseCache {
 public:
  // `metrics`: where hits, misses, stores and the cost saved are counted too (may be null).
  explicit ResponseCache(const CacheConfig& config, plugin::Metrics* metrics = nullptr);
  ~ResponseCache();

  // The entry name of `request` to instance `provider`, made for `owner`: one owner's entries
  // never answer another's calls (unless `cache.shared_across_keys`).
  std::string name_of(const std::string& provider, const std::string& owner, const plugin::ChatRequest& request) const;
  // Counts a hit (and its cost as saved) or a miss.
  std::optional<CachedAnswer> find(const std::string& name);
  void store(const std::string& name, const CachedAnswer& answer, std::chrono::seconds ttl);
  // Drops entries whose names match the glob; returns how many.
  std::int64_t invalidate(const std::string& pattern);
  // hits, misses, hit_rate, entries, bytes, cost_saved_usd, backend, …
  nlohmann::json status();

  std::chrono::seconds default_ttl() const { return std::chrono::seconds(config_.ttl_seconds); }

  // Whether the last LLM call on this thread was answered from the cache (the host's LLM
  // client sets it): routes report `cached` without the plugin API carrying it.
  static bool last_call_cached();
  static void set_last_call_cached(bool cached);

 private:
  std::string encode(const CachedAnswer& answer) const;
  std::optional<CachedAnswer> decode(const std::string& value) const;

  const CacheConfig config_;
  std::unique_ptr<CacheStore> store_;
  std::atomic<std::int64_t> hits_{0};
  std::atomic<std::int64_t> misses_{0};
  std::atomic<std::int64_t> stores_{0};
  std::atomic<std::int64_t> saved_nanousd_{0};
  // switchboard_cache_operations_total{operation}, switchboard_cache_cost_saved_usd_total.
  std::shared_ptr<plugin::Counter> hit_counter_;
  std::shared_ptr<plugin::Counter> miss_counter_;
  std::shared_ptr<plugin::Counter> store_counter_;
  std::shared_ptr<plugin::Counter> saved_counter_;
};

}  // namespace switchboard
