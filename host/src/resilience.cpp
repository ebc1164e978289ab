#include <switchboard/resilience.hpp>

namespace switchboard {

nlohmann::json ResiliencePolicy::to_json() const {
  return {{"preset", preset},
          {"retry_attempts", retry_attempts},
          {"circuit_breaker_threshold", circuit_breaker_threshold},
          {"recovery_timeout_seconds", recovery_timeout.count()},
          {"backoff_base_ms", backoff_base.count()},
          {"backoff_max_ms", backoff_max.count()},
          {"max_retry_after_ms", max_retry_after.count()},
          {"strategy", strategy}};
}

std::vector<std::string> preset_names() { return {"simple", "development", "production"}; }

std::optional<ResiliencePolicy> preset_policy(std::string_view name) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  if (name == "simple")
    return ResiliencePolicy{"simple",  3, 5, seconds(60), milliseconds(250), milliseconds(10'000), milliseconds(30'000),
                            "balanced"};
  if (name == "development")
    return ResiliencePolicy{"development",       2,           3, seconds(30), milliseconds(100), milliseconds(2'000),
                            milliseconds(5'000), "aggressive"};
  if (name == "production")
    return ResiliencePolicy{
        "production",  5, 10, seconds(120), milliseconds(500), milliseconds(30'000), milliseconds(60'000),
        "conservative"};
  return std::nullopt;
}

tl::expected<ResiliencePolicy, std::string> resolve_policy(const std::string& preset, const nlohmann::json& custom) {
  auto policy = preset_policy(preset);
  if (!policy) return tl::unexpected("unknown preset \"" + preset + "\" (simple, development, production)");
  if (custom.is_null() || (custom.is_object() && custom.empty())) return *policy;
  if (!custom.is_object()) return tl::unexpected(std::string("custom configuration must be a JSON object"));
  auto integer = [&](const char* key, long long min,
                     long long max) -> tl::expected<std::optional<long long>, std::string> {
    if (!custom.contains(key)) return std::optional<long long>();
    const auto& value = custom[key];
    if (!value.is_number_integer() || value.get<long long>() < min || value.get<long long>() > max) {
      return tl::unexpected(std::string(key) + ": expected an integer from " + std::to_string(min) + " to " +
                            std::to_string(max));
    }
    return std::optional<long long>(value.get<long long>());
  };
  static const std::vector<std::string> known = {"retry_attempts",
                                                 "circuit_breaker_threshold",
                                                 "recovery_timeout_seconds",
                                                 "backoff_base_ms",
                                                 "backoff_max_ms",
                                                 "max_retry_after_ms",
                                                 "strategy"};
  for (auto it = custom.begin(); it != custom.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return tl::unexpected("unknown field \"" + it.key() + "\"");
  }
  ResiliencePolicy out = *policy;
  out.preset = "custom(" + preset + ")";
  if (auto v = integer("retry_attempts", 0, 20); !v)
    return tl::unexpected(v.error());
  else if (*v)
    out.retry_attempts = static_cast<int>(**v);
  if (auto v = integer("circuit_breaker_threshold", 1, 1000); !v)
    return tl::unexpected(v.error());
  else if (*v)
    out.circuit_breaker_threshold = static_cast<int>(**v);
  if (auto v = integer("recovery_timeout_seconds", 1, 86400); !v)
    return tl::unexpected(v.error());
  else if (*v)
    out.recovery_timeout = std::chrono::seconds(**v);
  if (auto v = integer("backoff_base_ms", 0, 600'000); !v)
    return tl::unexpected(v.error());
  else if (*v)
    out.backoff_base = std::chrono::milliseconds(**v);
  if (auto v = integer("backoff_max_ms", 0, 600'000); !v)
    return tl::unexpected(v.error());
  else if (*v)
    out.backoff_max = std::chrono::milliseconds(**v);
  if (auto v = integer("max_retry_after_ms", 0, 3'600'000); !v)
    return tl::unexpected(v.error());
  else if (*v)
    out.max_retry_after = std::chrono::milliseconds(**v);
  if (custom.contains("strategy")) {
    if (!custom["strategy"].is_string()) return tl::unexpected(std::string("strategy: expected text"));
    out.strategy = custom["strategy"];
  }
  if (out.backoff_max < out.backoff_base)
    return tl::unexpected(std::string("backoff_max_ms must be >= backoff_base_ms"));
  return out;
}

}  // namespace switchboard
