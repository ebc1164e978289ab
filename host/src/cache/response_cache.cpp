#include "response_cache.hpp"

#include <zlib.h>

#include <nlohmann/json.hpp>

#include <switchboard/log.hpp>

#include "../digest.hpp"
#include "memory_cache_store.hpp"
#include "redis_cache_store.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

thread_local bool served_from_cache = false;

Logger& log() {
  static Logger logger("cache");
  return logger;
}

// Names are globbed by invalidation: keep the readable parts free of glob and separator
// characters.
std::string name_part(const std::string& text) {
  std::string out;
  for (const char c : text) out += (c == ':' || c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') ? '_' : c;
  return out;
}

// Values: 'j' then the entry as JSON, or 'z' then 8 bytes of its length and the zlib stream.
constexpr char kPlain = 'j';
constexpr char kCompressed = 'z';

}  // namespace

ResponseCache::ResponseCache(const CacheConfig& config, plugin::Metrics* metrics) : config_(config) {
  if (metrics) {
    const auto operation = [metrics](const char* name) {
      return metrics->counter("switchboard_cache_operations_total", "Response cache lookups and stores",
                              {{"operation", name}});
    };
    hit_counter_ = operation("hit");
    miss_counter_ = operation("miss");
    store_counter_ = operation("store");
    saved_counter_ = metrics->counter("switchboard_cache_cost_saved_usd_total",
                                      "What the calls answered by the response cache would have cost", {});
  }
  if (!config_.redis_url.empty()) {
    auto address = redis::parse_url(config_.redis_url);
    if (address) {
      store_ =
          std::make_unique<RedisCacheStore>(*address, config_.redis_prefix, config_.max_entries, config_.max_bytes);
      return;
    }
    log().error("cache.redis_url is not usable; caching in this process", {{"error", address.error()}});
  }
  store_ = std::make_unique<MemoryCacheStore>(config_.max_entries, config_.max_bytes);
}

ResponseCache::~ResponseCache() = default;

std::string ResponseCache::name_of(const std::string& provider, const std::string& owner,
                                   const plugin::ChatRequest& request) const {
  json messages = json::array();
  for (const auto& message : request.messages) messages.push_back({message.role, message.content, message.name});
  const json call = {{"provider", provider},
                     {"model", request.model},
                     {"messages", std::move(messages)},
                     {"temperature", request.temperature ? json(*request.temperature) : json()},
                     {"top_p", request.top_p ? json(*request.top_p) : json()},
                     {"max_tokens", request.max_tokens ? json(*request.max_tokens) : json()},
                     {"stop", request.stop},
                     {"extra", request.extra},
                     {"key", config_.shared_across_keys ? std::string() : owner}};
  // nlohmann objects keep their keys sorted, so equal calls dump to equal text.
  return name_part(provider) + ":" + name_part(request.model) + ":" +
         sha256_hex(call.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string ResponseCache::encode(const CachedAnswer& answer) const {
  const auto& r = answer.result;
  const std::string text = json{
      {"id", r.id},
      {"model", r.model},
      {"content", r.content},
      {"finish_reason", r.finish_reason},
      {"provider", r.provider},
      {"input_tokens", r.usage.input_tokens},
      {"output_tokens", r.usage.output_tokens},
      {"cached_tokens", r.usage.cached_tokens},
      {"cost_nanousd",
       answer.cost_nanousd}}.dump(-1, ' ', false, json::error_handler_t::replace);
  if (static_cast<std::int64_t>(text.size()) <= config_.compress_above_bytes) return kPlain + text;
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(1 + 8 + size, '\0');
  out[0] = kCompressed;
  const std::uint64_t length = text.size();
  for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<char>((length >> (8 * i)) & 0xFF);
  if (compress2(reinterpret_cast<Bytef*>(out.data() + 9), &size, reinterpret_cast<const Bytef*>(text.data()),
                static_cast<uLong>(text.size()), Z_DEFAULT_COMPRESSION) != Z_OK) {
    return kPlain + text;
  }
  out.resize(9 + size);
  return out;
}

std::optional<CachedAnswer> ResponseCache::decode(const std::string& value) const {
  if (value.empty()) return std::nullopt;
  std::string text;
  if (value[0] == kPlain) {
    text = value.substr(1);
  } else if (value[0] == kCompressed && value.size() > 9) {
    std::uint64_t length = 0;
    for (int i = 0; i < 8; ++i)
      length |= static_cast<std::uint64_t>(static_cast<unsigned char>(value[1 + i])) << (8 * i);
    // A shared store is outside input: never inflate past what this host would have kept.
    if (length > static_cast<std::uint64_t>(config_.max_entry_bytes) * 4) return std::nullopt;
    text.resize(length);
    uLongf size = static_cast<uLongf>(length);
    if (uncompress(reinterpret_cast<Bytef*>(text.data()), &size, reinterpret_cast<const Bytef*>(value.data() + 9),
                   static_cast<uLong>(value.size() - 9)) != Z_OK ||
        size != length) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  const json entry = json::parse(text, nullptr, false);
  if (!entry.is_object()) return std::nullopt;
  try {
    CachedAnswer answer;
    answer.result.id = entry.value("id", "");
    answer.result.model = entry.value("model", "");
    answer.result.content = entry.value("content", "");
    answer.result.finish_reason = entry.value("finish_reason", "stop");
    answer.result.provider = entry.value("provider", "");
    answer.result.usage.input_tokens = entry.value("input_tokens", std::int64_t{0});
    answer.result.usage.output_tokens = entry.value("output_tokens", std::int64_t{0});
    answer.result.usage.cached_tokens = entry.value("cached_tokens", std::int64_t{0});
    answer.cost_nanousd = entry.value("cost_nanousd", std::int64_t{0});
    return answer;
  } catch (const json::exception&) {
    return std::nullopt;  // a field of the wrong type: not ours
  }
}

std::optional<CachedAnswer> ResponseCache::find(const std::string& name) {
  auto value = store_->get(name);
  auto answer = value ? decode(*value) : std::nullopt;
  if (!answer) {
    ++misses_;
    if (miss_counter_) miss_counter_->increment();
    return std::nullopt;
  }
  ++hits_;
  saved_nanousd_ += answer->cost_nanousd;
  if (hit_counter_) {
    hit_counter_->increment();
    saved_counter_->increment(static_cast<double>(answer->cost_nanousd) / 1e9);
  }
  return answer;
}

void ResponseCache::store(const std::string& name, const CachedAnswer& answer, std::chrono::seconds ttl) {
  const std::string value = encode(answer);
  if (static_cast<std::int64_t>(value.size()) > config_.max_entry_bytes) return;
  store_->put(name, value, ttl);
  ++stores_;
  if (store_counter_) store_counter_->increment();
}

std::int64_t ResponseCache::invalidate(const std::string& pattern) { return store_->erase_matching(pattern); }

json ResponseCache::status() {
  const auto size = store_->size();
  const auto hits = hits_.load();
  const auto misses = misses_.load();
  return {{"enabled", config_.enabled},
          {"backend", store_->backend()},
          {"hits", hits},
          {"misses", misses},
          {"hit_rate", hits + misses == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(hits + misses)},
          {"stores", stores_.load()},
          {"entries", size.entries},
          {"bytes", size.bytes},
          {"cost_saved_nanousd", saved_nanousd_.load()},
          {"cost_saved_usd", static_cast<double>(saved_nanousd_.load()) / 1e9},
          {"ttl_seconds", config_.ttl_seconds},
          {"max_entries", config_.max_entries},
          {"max_bytes", config_.max_bytes},
          {"compress_above_bytes", config_.compress_above_bytes}};
}

bool ResponseCache::last_call_cached() { return served_from_cache; }
void ResponseCache::set_last_call_cached(bool cached) { served_from_cache = cached; }

}  // namespace switchboard
