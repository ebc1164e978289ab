#include "redis_cache_store.hpp"

#include <switchboard/log.hpp>

namespace switchboard {
namespace {

constexpr std::int64_t kRetryPauseMs = 5'000;
constexpr std::int64_t kLogEveryMs = 10'000;
constexpr int kMaxScanRounds = 10'000;  // status and invalidation stop there on huge caches

Logger& log() {
  static Logger logger("cache");
  return logger;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Glob characters in the prefix are taken literally by SCAN MATCH.
std::string escaped_glob(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

RedisCacheStore::RedisCacheStore(redis::Address address, std::string prefix, std::int64_t max_entries,
                                 std::int64_t max_bytes)
    : pool_(std::move(address), std::chrono::milliseconds(200)),
      prefix_(std::move(prefix)),
      fallback_(max_entries, max_bytes) {}

bool RedisCacheStore::redis_usable() const {
  const auto retry_at = retry_at_ms_.load();
  return retry_at == 0 || now_ms() >= retry_at;
}

void RedisCacheStore::redis_failed(const std::string& why) {
  const auto now = now_ms();
  retry_at_ms_ = now + kRetryPauseMs;
  if (now - logged_at_ms_.load() >= kLogEveryMs) {
    logged_at_ms_ = now;
    log().warn("Redis unavailable; caching in this process until it is back", {{"error", why}});
  }
}

std::optional<std::string> RedisCacheStore::get(const std::string& name) {
  if (redis_usable()) {
    auto reply = pool_.run({"GET", prefix_ + name});
    if (reply && (*reply)->type != REDIS_REPLY_ERROR) {
      retry_at_ms_ = 0;
      if ((*reply)->type == REDIS_REPLY_STRING) return std::string((*reply)->str, (*reply)->len);
      return fallback_.get(name);  // kept here while Redis was away
    }
    redis_failed(reply ? std::string((*reply)->str, (*reply)->len) : reply.error());
  }
  return fallback_.get(name);
}

void RedisCacheStore::put(const std::string& name, const std::string& value, std::chrono::seconds ttl) {
  if (redis_usable()) {
    auto reply =
        pool_.run({"SET", prefix_ + name, value, "EX", std::to_string(std::max<std::int64_t>(1, ttl.count()))});
    if (reply && (*reply)->type != REDIS_REPLY_ERROR) {
      retry_at_ms_ = 0;
      return;
    }
    redis_failed(reply ? std::string((*reply)->str, (*reply)->len) : reply.error());
  }
  fallback_.put(name, value, ttl);
}

template <typename Each>
bool RedisCacheStore::scan(const std::string& pattern, Each each) {
  std::string cursor = "0";
  for (int round = 0; round < kMaxScanRounds; ++round) {
    auto reply = pool_.run({"SCAN", cursor, "MATCH", escaped_glob(prefix_) + pattern, "COUNT", "1000"});
    if (!reply || (*reply)->type != REDIS_REPLY_ARRAY || (*reply)->elements != 2) {
      redis_failed(reply ? "unexpected SCAN answer" : reply.error());
      return false;
    }
    const redisReply* keys = (*reply)->element[1];
    for (std::size_t i = 0; i < keys->elements; ++i) {
      each(std::string(keys->element[i]->str, keys->element[i]->len));
    }
    cursor.assign((*reply)->element[0]->str, (*reply)->element[0]->len);
    if (cursor == "0") break;
  }
  return true;
}

std::int64_t RedisCacheStore::erase_matching(const std::string& pattern) {
  std::int64_t erased = fallback_.erase_matching(pattern);
  if (!redis_usable()) return erased;
  std::vector<std::string> keys;
  if (!scan(pattern, [&](std::string key) { keys.push_back(std::move(key)); })) return erased;
  for (std::size_t start = 0; start < keys.size(); start += 500) {
    std::vector<std::string> args = {"UNLINK"};
    for (std::size_t i = start; i < std::min(keys.size(), start + 500); ++i) args.push_back(keys[i]);
    auto reply = pool_.run(args);
    if (!reply) {
      redis_failed(reply.error());
      break;
    }
    erased += redis::as_integer(reply->get());
  }
  return erased;
}

CacheSize RedisCacheStore::size() {
  CacheSize local = fallback_.size();
  if (!redis_usable()) return local;
  std::vector<std::string> keys;
  if (!scan("*", [&](std::string key) { keys.push_back(std::move(key)); })) return local;
  CacheSize shared;
  for (const auto& key : keys) {
    auto reply = pool_.run({"STRLEN", key});
    if (!reply) {
      redis_failed(reply.error());
      return local;
    }
    const auto length = redis::as_integer(reply->get());
    if (length == 0) continue;  // expired since the scan
    ++shared.entries;
    shared.bytes += static_cast<std::int64_t>(key.size() - prefix_.size()) + length;
  }
  return {shared.entries + local.entries, shared.bytes + local.bytes};
}

std::string RedisCacheStore::backend() { return redis_usable() ? "redis" : "memory (redis unavailable)"; }

}  // namespace switchboard
