#pragma once
// Watches a running canary (PluginRegistry::start_canary): the requests that ran on its view
// against the others, window by window. When its error rate passes the others' by more than
// `max_error_rate`, or its mean duration theirs by more than `max_added_latency_ms`, once
// each side has `min_requests` in the window, the canary is aborted on its own — a rollback.
// Every step is a metric (switchboard_canary_*) and an audit event (plugin.canary.*).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace switchboard {

class MetricsRegistry;
namespace plugin {
class Counter;
}

struct CanaryPolicy {
  double share = 0.1;
  double max_error_rate = 0.05;  // the canary's 5xx share above the others'
  double max_added_latency_ms = 250;
  int min_requests = 20;  // on each side, in a window, before judging
  std::chrono::seconds window{60};
};

// {share?, max_error_rate?, max_added_latency_ms?, min_requests?, window_seconds?} checked;
// a {field, message} per problem goes into `details`.
CanaryPolicy canary_policy_from(const nlohmann::json& body, nlohmann::json& details);

class CanaryMonitor {
 public:
  // `roll_back(plugin, reason)` aborts the canary and records why (called once, outside the
  // monitor's lock, from the thread that answered the request that tipped it).
  CanaryMonitor(MetricsRegistry& metrics, std::function<void(const std::string&, const nlohmann::json&)> roll_back);

  void start(const std::string& plugin, const CanaryPolicy& policy);
  // Counts a step: start, promote, abort, rollback.
  void count_event(const std::string& plugin, const char* event);
  void stop();  // promoted, aborted or rolled back
  // Every answered request: whether it ran on the canary's view, its status and duration.
  void record(bool on_canary, int status, double duration_ms);
  // The running canary's figures: plugin, policy, and this window's requests, errors and
  // mean duration on each side; null when none runs.
  nlohmann::json status() const;

 private:
  struct Side {
    std::int64_t requests = 0;
    std::int64_t errors = 0;
    double total_ms = 0;
    double error_rate() const { return requests ? static_cast<double>(errors) / static_cast<double>(requests) : 0; }
    double mean_ms() const { return requests ? total_ms / static_cast<double>(requests) : 0; }
  };
  // The reason to roll back, if the window says so.
  std::optional<nlohmann::json> verdict() const;

  MetricsRegistry& metrics_;
  std::function<void(const std::string&, const nlohmann::json&)> roll_back_;
  mutable std::mutex mutex_;
  std::atomic<bool> running_ = false;  // read without the lock on every request
  std::string plugin_;                 // empty: none running
  CanaryPolicy policy_;
  std::chrono::steady_clock::time_point window_start_;
  Side canary_, others_;
  // switchboard_canary_requests_total of the running canary: [on canary][error].
  std::shared_ptr<plugin::Counter> requests_[2][2];
};

}  // namespace switchboard
