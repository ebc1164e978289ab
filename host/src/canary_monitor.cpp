#include "canary_monitor.hpp"

#include <switchboard/metrics.hpp>

namespace switchboard {

using nlohmann::json;

CanaryPolicy canary_policy_from(const json& body, json& details) {
  CanaryPolicy policy;
  auto number = [&](const char* field, double& out, double min, double max) {
    if (!body.contains(field) || body[field].is_null()) return;
    if (!body[field].is_number() || body[field].get<double>() < min || body[field].get<double>() > max) {
      details.push_back(
          {{"field", field}, {"message", "a number from " + std::to_string(min) + " to " + std::to_string(max)}});
      return;
    }
    out = body[field].get<double>();
  };
  double min_requests = policy.min_requests, window = static_cast<double>(policy.window.count());
  number("share", policy.share, 0.001, 1.0);
  number("max_error_rate", policy.max_error_rate, 0.0, 1.0);
  number("max_added_latency_ms", policy.max_added_latency_ms, 0.0, 600'000.0);
  number("min_requests", min_requests, 1, 1'000'000);
  number("window_seconds", window, 1, 86'400);
  policy.min_requests = static_cast<int>(min_requests);
  policy.window = std::chrono::seconds(static_cast<std::int64_t>(window));
  return policy;
}

CanaryMonitor::CanaryMonitor(MetricsRegistry& metrics, std::function<void(const std::string&, const json&)> roll_back)
    : metrics_(metrics), roll_back_(std::move(roll_back)) {}

void CanaryMonitor::start(const std::string& plugin, const CanaryPolicy& policy) {
  std::lock_guard lock(mutex_);
  plugin_ = plugin;
  policy_ = policy;
  window_start_ = std::chrono::steady_clock::now();
  canary_ = others_ = Side{};
  for (bool on_canary : {false, true}) {
    for (bool error : {false, true}) {
      requests_[on_canary][error] = metrics_.counter(
          "switchboard_canary_requests_total", "requests while a canary runs, by the version they ran on",
          {{"plugin", plugin}, {"variant", on_canary ? "canary" : "current"}, {"outcome", error ? "error" : "ok"}});
    }
  }
  running_ = true;
  metrics_.gauge("switchboard_canary_share", "share of new requests a running canary gets", {{"plugin", plugin}})
      ->set(policy.share);
}

void CanaryMonitor::count_event(const std::string& plugin, const char* event) {
  metrics_
      .counter("switchboard_canary_events_total", "canary steps: start, promote, abort, rollback",
               {{"plugin", plugin}, {"event", event}})
      ->increment();
}

void CanaryMonitor::stop() {
  std::lock_guard lock(mutex_);
  if (plugin_.empty()) return;
  metrics_.gauge("switchboard_canary_share", "share of new requests a running canary gets", {{"plugin", plugin_}})
      ->set(0);
  plugin_.clear();
  running_ = false;
}

std::optional<json> CanaryMonitor::verdict() const {
  if (canary_.requests < policy_.min_requests || others_.requests < policy_.min_requests) return std::nullopt;
  const double added_errors = canary_.error_rate() - others_.error_rate();
  if (added_errors > policy_.max_error_rate) {
    return json{{"reason", "error_rate"},
                {"canary_error_rate", canary_.error_rate()},
                {"others_error_rate", others_.error_rate()},
                {"max_error_rate", policy_.max_error_rate}};
  }
  const double added_ms = canary_.mean_ms() - others_.mean_ms();
  if (added_ms > policy_.max_added_latency_ms) {
    return json{{"reason", "latency"},
                {"canary_mean_ms", canary_.mean_ms()},
                {"others_mean_ms", others_.mean_ms()},
                {"max_added_latency_ms", policy_.max_added_latency_ms}};
  }
  return std::nullopt;
}

void CanaryMonitor::record(bool on_canary, int status, double duration_ms) {
  if (!running_.load(std::memory_order_relaxed)) return;
  std::string plugin;
  std::optional<json> reason;
  {
    std::lock_guard lock(mutex_);
    if (plugin_.empty()) return;
    if (std::chrono::steady_clock::now() - window_start_ > policy_.window) {
      window_start_ = std::chrono::steady_clock::now();
      canary_ = others_ = Side{};
    }
    Side& side = on_canary ? canary_ : others_;
    ++side.requests;
    if (status >= 500) ++side.errors;
    side.total_ms += duration_ms;
    requests_[on_canary][status >= 500]->increment();
    reason = verdict();
    if (reason) {
      plugin = plugin_;
      plugin_.clear();  // judged once; stop() after the roll back finds nothing to do
      running_ = false;
      metrics_.gauge("switchboard_canary_share", "share of new requests a running canary gets", {{"plugin", plugin}})
          ->set(0);
    }
  }
  if (reason) roll_back_(plugin, *reason);
}

json CanaryMonitor::status() const {
  std::lock_guard lock(mutex_);
  if (plugin_.empty()) return nullptr;
  auto side = [](const Side& s) {
    return json{
        {"requests", s.requests}, {"errors", s.errors}, {"error_rate", s.error_rate()}, {"mean_ms", s.mean_ms()}};
  };
  return {{"plugin", plugin_},
          {"share", policy_.share},
          {"max_error_rate", policy_.max_error_rate},
          {"max_added_latency_ms", policy_.max_added_latency_ms},
          {"min_requests", policy_.min_requests},
          {"window_seconds", policy_.window.count()},
          {"canary", side(canary_)},
          {"current", side(others_)}};
}

}  // namespace switchboard
