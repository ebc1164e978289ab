#include "observability/llm_metrics.hpp"

#include <switchboard/plugin/host_services.hpp>
#include <switchboard/storage/usage_ledger.hpp>

namespace switchboard {
namespace {

// From a cached mock answer (milliseconds) to a slow model's long answer (minutes).
const std::vector<double> kLatencyBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120};

}  // namespace

LlmMetrics::LlmMetrics(plugin::Metrics& metrics, std::size_t max_models) : metrics_(metrics), max_models_(max_models) {}

std::string LlmMetrics::model_label(const std::string& provider, const std::string& model) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(provider, model);
  if (models_.count(key)) return model;
  if (models_.size() >= max_models_) return "other";
  models_.insert(std::move(key));
  return model;
}

void LlmMetrics::record(const storage::LedgerEntry& entry) {
  // A cache hit made no provider call; the cache's own counters report it.
  if (entry.cache_hit) return;
  const std::string framework = entry.framework.empty() ? "none" : entry.framework;
  const plugin::MetricLabels labels = {
      {"provider", entry.provider}, {"model", model_label(entry.provider, entry.model)}, {"framework", framework}};
  auto with = [&labels](const char* name, const std::string& value) {
    auto out = labels;
    out[name] = value;
    return out;
  };
  metrics_.counter("switchboard_llm_requests_total", "LLM calls made, by outcome", with("status", entry.status))
      ->increment();
  metrics_.histogram("switchboard_llm_request_duration_seconds", "Time LLM calls took", labels, kLatencyBuckets)
      ->observe(entry.latency_ms / 1000.0);
  const char* help = "Tokens of LLM calls, by type (input, output, cached)";
  if (entry.input_tokens > 0)
    metrics_.counter("switchboard_llm_tokens_total", help, with("type", "input"))
        ->increment(static_cast<double>(entry.input_tokens));
  if (entry.output_tokens > 0)
    metrics_.counter("switchboard_llm_tokens_total", help, with("type", "output"))
        ->increment(static_cast<double>(entry.output_tokens));
  if (entry.cached_tokens > 0)
    metrics_.counter("switchboard_llm_tokens_total", help, with("type", "cached"))
        ->increment(static_cast<double>(entry.cached_tokens));
  metrics_.counter("switchboard_llm_cost_usd_total", "What LLM calls cost, in US dollars", labels)
      ->increment(static_cast<double>(entry.cost_nanousd) / 1e9);
}

}  // namespace switchboard
