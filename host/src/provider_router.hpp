#pragma once
// Routes one completion over provider instances: orders the candidates by the configured
// strategy, retries retryable failures on an instance with exponential backoff and full
// jitter (honouring Retry-After), keeps a circuit breaker per instance (closed → open →
// half-open with one probe), and falls back to the next instance when retries are spent or
// the breaker is open. Asynchronous like ProviderCaller: backoff waits on a timer thread.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/config.hpp>
#include <switchboard/resilience.hpp>
#include <switchboard/storage/usage_ledger.hpp>

#include "call_pricing.hpp"

#include "provider_call.hpp"
#include "timer_queue.hpp"

namespace switchboard {

class CircuitBreaker {
 public:
  enum class State { closed, open, half_open };
  // Whether a call may go to the instance now (in half-open, only the one probe may).
  bool allow(const ResiliencePolicy& policy);
  void record_success();
  void record_failure(const ResiliencePolicy& policy);
  // A call that ended without a verdict (cancelled): a half-open breaker may probe again.
  void abandon();
  void reset();
  State state(const ResiliencePolicy& policy);
  nlohmann::json to_json(const ResiliencePolicy& policy);

 private:
  std::mutex mutex_;
  State state_ = State::closed;
  int consecutive_failures_ = 0;
  std::uint64_t total_failures_ = 0;
  std::uint64_t total_successes_ = 0;
  bool probe_in_flight_ = false;
  std::chrono::steady_clock::time_point opened_at_{};
};

class ProviderRouter {
 public:
  ProviderRouter(const Config& config, ProviderCaller& caller, TimerQueue& timers, ResiliencePolicy policy);

  struct Target {
    const ProviderInstanceConfig* instance;
    std::string model;
  };
  // The candidates for `model` in the order they will be tried. `model` may be
  // "<instance>/<model>" to put that instance first.
  std::vector<Target> plan(const std::string& model, const plugin::ChatRequest& request,
                           const RegistrySnapshot& plugins);

  using OnAttempt = std::function<void(const std::string& instance, const std::string& model)>;
  struct Done {
    ProviderOutcome outcome;
    std::string instance;  // the instance of the last attempt
    std::string model;
    int attempts = 0;  // calls that reached (or tried to reach) an upstream
  };
  using OnDone = std::function<void(Done)>;

  // Where each attempt's ledger entry goes (priced, tokens counted locally when the upstream
  // reported none); unset: nowhere.
  void set_usage_sink(std::function<void(storage::LedgerEntry)> sink) { usage_sink_ = std::move(sink); }
  // Told of every retry and every fallback to the next instance (for metrics); unset: nobody.
  using OnRetry = std::function<void(const std::string& instance, const std::string& reason)>;
  using OnFallback = std::function<void(const std::string& from, const std::string& to)>;
  void set_retry_observers(OnRetry on_retry, OnFallback on_fallback) {
    on_retry_ = std::move(on_retry);
    on_fallback_ = std::move(on_fallback);
  }

  // Runs `request` over `targets` with the plugins of `plugins`. `on_chunk` null: a whole
  // completion. After a chunk has reached the client nothing is retried. Returns a cancel
  // function. `on_done` runs exactly once.
  std::function<void()> call(std::shared_ptr<const RegistrySnapshot> plugins, std::vector<Target> targets,
                             plugin::ChatRequest request, ProviderCaller::OnChunk on_chunk, OnAttempt on_attempt,
                             OnDone on_done, UsageLabels labels = UsageLabels());

  const ResiliencePolicy& policy() const { return policy_; }
  nlohmann::json breakers();
  bool reset_breaker(const std::string& instance);
  std::chrono::milliseconds backoff(int retry, std::optional<std::chrono::milliseconds> retry_after);

 private:
  struct InstanceState {
    CircuitBreaker breaker;
    std::atomic<int> in_flight{0};
    std::mutex latency_mutex;
    double latency_ewma_ms = 0.0;  // 0: no sample yet
  };
  struct Routed;
  InstanceState& state(const std::string& instance);
  void attempt(const std::shared_ptr<Routed>& routed);
  void settle(const std::shared_ptr<Routed>& routed, ProviderOutcome outcome);
  // Counts tokens the upstream did not report (into `outcome`) and hands the attempt's
  // ledger entry to the sink.
  void record_usage(const Routed& routed, const Target& target, ProviderOutcome& outcome);
  double estimated_cost(const Target& target, const plugin::ChatRequest& request,
                        const RegistrySnapshot& plugins) const;

  const Config& config_;
  ProviderCaller& caller_;
  TimerQueue& timers_;
  ResiliencePolicy policy_;
  std::map<std::string, std::unique_ptr<InstanceState>> states_;  // fixed after construction
  std::atomic<std::uint64_t> round_robin_{0};
  std::mutex random_mutex_;
  std::mt19937_64 random_{std::random_device{}()};
  std::function<void(storage::LedgerEntry)> usage_sink_;
  OnRetry on_retry_;
  OnFallback on_fallback_;
};

// The most a call of `request` should cost on any of `targets` (one of them answers it), as
// worst_case_cost prices each.
std::int64_t worst_case_cost(const std::vector<ProviderRouter::Target>& targets, const plugin::ChatRequest& request,
                             const RegistrySnapshot& plugins, std::int64_t default_cap);

}  // namespace switchboard
