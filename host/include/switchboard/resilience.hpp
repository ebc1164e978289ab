#pragma once
// Resilience policy: how many times to retry a provider, how long to back off, when a
// circuit breaker opens and how long it stays open. Presets follow seed 002; a custom JSON
// object overrides any field (RESILIENCE_CUSTOM_CONFIG).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard {

struct ResiliencePolicy {
  std::string preset;                           // simple, development, production (or custom)
  int retry_attempts = 3;                       // retries of one instance after its first try
  int circuit_breaker_threshold = 5;            // consecutive failures that open the breaker
  std::chrono::seconds recovery_timeout{60};    // open → half-open (one probe)
  std::chrono::milliseconds backoff_base{250};  // full jitter: wait in [0, min(max, base·2^n)]
  std::chrono::milliseconds backoff_max{10'000};
  std::chrono::milliseconds max_retry_after{30'000};  // a longer Retry-After moves on instead
  std::string strategy = "balanced";                  // balanced, aggressive, conservative (backoff shape)

  nlohmann::json to_json() const;
};

std::vector<std::string> preset_names();
std::optional<ResiliencePolicy> preset_policy(std::string_view name);
// The preset with `custom` fields applied; an error names the field.
tl::expected<ResiliencePolicy, std::string> resolve_policy(const std::string& preset, const nlohmann::json& custom);

}  // namespace switchboard
