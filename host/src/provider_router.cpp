#include "provider_router.hpp"

#include <algorithm>
#include <cmath>

#include <switchboard/log.hpp>

#include "budget_guard.hpp"

namespace switchboard {
namespace {

using Clock = std::chrono::steady_clock;
using plugin::provider_error;

Logger& log() {
  static Logger logger("router");
  return logger;
}

bool serves(const ProviderInstanceConfig& instance, const std::string& model) {
  return instance.model == model ||
         std::find(instance.models.begin(), instance.models.end(), model) != instance.models.end();
}

// Failures that say something about the instance (not about the request).
bool counts_against_instance(const plugin::ProviderError& error) {
  return error.retryable || error.code == "unauthorized" || error.upstream_status >= 500;
}

const char* state_name(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::closed:
      return "closed";
    case CircuitBreaker::State::open:
      return "open";
    case CircuitBreaker::State::half_open:
      return "half_open";
  }
  return "closed";
}

}  // namespace

bool CircuitBreaker::allow(const ResiliencePolicy& policy) {
  std::lock_guard lock(mutex_);
  if (state_ == State::open && Clock::now() - opened_at_ >= policy.recovery_timeout) {
    state_ = State::half_open;
    probe_in_flight_ = false;
  }
  if (state_ == State::closed) return true;
  if (state_ == State::half_open && !probe_in_flight_) {
    probe_in_flight_ = true;  // the one probe
    return true;
  }
  return false;
}

void CircuitBreaker::record_success() {
  std::lock_guard lock(mutex_);
  ++total_successes_;
  consecutive_failures_ = 0;
  probe_in_flight_ = false;
  state_ = State::closed;
}

void CircuitBreaker::record_failure(const ResiliencePolicy& policy) {
  std::lock_guard lock(mutex_);
  ++total_failures_;
  ++consecutive_failures_;
  if (state_ == State::half_open || consecutive_failures_ >= policy.circuit_breaker_threshold) {
    if (state_ != State::open) opened_at_ = Clock::now();
    state_ = State::open;
    probe_in_flight_ = false;
  }
}

void CircuitBreaker::abandon() {
  std::lock_guard lock(mutex_);
  probe_in_flight_ = false;
}

void CircuitBreaker::reset() {
  std::lock_guard lock(mutex_);
  state_ = State::closed;
  consecutive_failures_ = 0;
  probe_in_flight_ = false;
}

CircuitBreaker::State CircuitBreaker::state(const ResiliencePolicy& policy) {
  std::lock_guard lock(mutex_);
  if (state_ == State::open && Clock::now() - opened_at_ >= policy.recovery_timeout) return State::half_open;
  return state_;
}

nlohmann::json CircuitBreaker::to_json(const ResiliencePolicy& policy) {
  const State now = state(policy);
  std::lock_guard lock(mutex_);
  nlohmann::json out = {{"state", state_name(now)},
                        {"consecutive_failures", consecutive_failures_},
                        {"total_failures", total_failures_},
                        {"total_successes", total_successes_},
                        {"failure_threshold", policy.circuit_breaker_threshold},
                        {"recovery_timeout_seconds", policy.recovery_timeout.count()}};
  if (state_ == State::open) {
    const auto left = policy.recovery_timeout - (Clock::now() - opened_at_);
    out["retry_in_seconds"] = std::max(0.0, std::chrono::duration<double>(left).count());
  }
  return out;
}

struct ProviderRouter::Routed {
  std::shared_ptr<const RegistrySnapshot> plugins;
  std::vector<Target> targets;
  std::size_t index = 0;
  int retry = 0;  // retries made on the current target
  int attempts = 0;
  plugin::ChatRequest request;
  ProviderCaller::OnChunk on_chunk;
  OnAttempt on_attempt;
  OnDone on_done;
  UsageLabels labels;
  std::atomic<bool> delivered{false};
  std::atomic<bool> cancelled{false};
  std::mutex mutex;
  std::function<void()> cancel_current;
  std::optional<ProviderOutcome> last_failure;
  Clock::time_point attempt_started{};
  bool finished = false;

  void done(ProviderOutcome outcome) {
    OnDone callback;
    {
      std::lock_guard lock(mutex);
      if (finished) return;
      finished = true;
      callback = std::move(on_done);
      cancel_current = nullptr;
    }
    const Target* target = index < targets.size() ? &targets[index] : (targets.empty() ? nullptr : &targets.back());
    callback(Done{std::move(outcome), target ? target->instance->name : "", target ? target->model : "", attempts});
    labels.budget.reset();  // every attempt is charged: the call's reservation may settle
  }
};

ProviderRouter::ProviderRouter(const Config& config, ProviderCaller& caller, TimerQueue& timers,
                               ResiliencePolicy policy)
    : config_(config), caller_(caller), timers_(timers), policy_(std::move(policy)) {
  for (const auto& instance : config_.providers) states_[instance.name] = std::make_unique<InstanceState>();
}

ProviderRouter::InstanceState& ProviderRouter::state(const std::string& instance) { return *states_.at(instance); }

double ProviderRouter::estimated_cost(const Target& target, const plugin::ChatRequest& request,
                                      const RegistrySnapshot& plugins) const {
  auto cost = plugins.find(target.instance->cost_model);
  if (!cost || !cost->cost_model) return std::numeric_limits<double>::max();
  std::int64_t prompt = 0;
  for (const auto& m : request.messages) prompt += static_cast<std::int64_t>(m.content.size() / 4 + 1);
  plugin::Usage usage{prompt, request.max_tokens.value_or(256), 0};
  try {
    auto price = cost->cost_model->price(target.model, usage);
    return price ? static_cast<double>(price->cost_nano_usd) : std::numeric_limits<double>::max();
  } catch (const std::exception&) {
    return std::numeric_limits<double>::max();
  }
}

std::vector<ProviderRouter::Target> ProviderRouter::plan(const std::string& requested,
                                                         const plugin::ChatRequest& request,
                                                         const RegistrySnapshot& plugins) {
  std::vector<Target> targets;
  const ProviderInstanceConfig* pinned = nullptr;
  std::string model = requested;
  if (auto slash = requested.find('/'); slash != std::string::npos) {
    if (auto* instance = find_instance(config_, requested.substr(0, slash))) {
      pinned = instance;
      model = requested.substr(slash + 1);
    }
  }
  if (pinned) targets.push_back({pinned, model.empty() ? pinned->model : model});

  std::vector<Target> pool;
  for (const auto& instance : config_.providers) {
    if (&instance != pinned && !model.empty() && serves(instance, model)) pool.push_back({&instance, model});
  }
  const std::string& strategy = config_.routing.strategy;
  if (strategy == "round_robin" && !pool.empty()) {
    std::rotate(pool.begin(), pool.begin() + static_cast<long>(round_robin_.fetch_add(1) % pool.size()), pool.end());
  } else if (strategy == "weighted") {
    // Weighted random order: key = u^(1/w), largest first (Efraimidis–Spirakis).
    std::vector<std::pair<double, Target>> keyed;
    {
      std::lock_guard lock(random_mutex_);
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      for (auto& t : pool) {
        auto w = config_.routing.weights.find(t.instance->name);
        const double weight = w == config_.routing.weights.end() ? 1.0 : w->second;
        keyed.emplace_back(std::pow(uniform(random_), 1.0 / weight), t);
      }
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    pool.clear();
    for (auto& [key, t] : keyed) pool.push_back(t);
  } else if (strategy == "least_busy") {
    std::stable_sort(pool.begin(), pool.end(), [this](const Target& a, const Target& b) {
      return state(a.instance->name).in_flight.load() < state(b.instance->name).in_flight.load();
    });
  } else if (strategy == "lowest_latency") {
    auto latency = [this](const Target& t) {
      auto& s = state(t.instance->name);
      std::lock_guard lock(s.latency_mutex);
      return s.latency_ewma_ms;  // unmeasured instances (0) are tried first, so they get measured
    };
    std::stable_sort(pool.begin(), pool.end(),
                     [&](const Target& a, const Target& b) { return latency(a) < latency(b); });
  } else if (strategy == "lowest_cost") {
    std::stable_sort(pool.begin(), pool.end(), [&](const Target& a, const Target& b) {
      return estimated_cost(a, request, plugins) < estimated_cost(b, request, plugins);
    });
  }
  targets.insert(targets.end(), pool.begin(), pool.end());
  if (targets.empty()) {
    if (auto* fallback = find_instance(config_, config_.default_provider)) {
      targets.push_back({fallback, model.empty() ? fallback->model : model});
    }
  }
  // Configured fallback chains: after the first choice, its fallbacks with their own models.
  if (!targets.empty()) {
    auto chain = config_.routing.fallbacks.find(targets.front().instance->name);
    if (chain != config_.routing.fallbacks.end()) {
      for (const auto& name : chain->second) {
        const bool present =
            std::any_of(targets.begin(), targets.end(), [&](const Target& t) { return t.instance->name == name; });
        if (!present) {
          if (auto* instance = find_instance(config_, name)) targets.push_back({instance, instance->model});
        }
      }
    }
  }
  return targets;
}

std::chrono::milliseconds ProviderRouter::backoff(int retry, std::optional<std::chrono::milliseconds> retry_after) {
  const double cap = std::min<double>(static_cast<double>(policy_.backoff_max.count()),
                                      static_cast<double>(policy_.backoff_base.count()) * std::pow(2.0, retry));
  double wait = 0.0;
  {
    std::lock_guard lock(random_mutex_);
    wait = std::uniform_real_distribution<double>(0.0, cap)(random_);  // full jitter
  }
  auto delay = std::chrono::milliseconds(static_cast<long long>(wait));
  if (retry_after && *retry_after > delay) delay = *retry_after;
  return delay;
}

std::function<void()> ProviderRouter::call(std::shared_ptr<const RegistrySnapshot> plugins, std::vector<Target> targets,
                                           plugin::ChatRequest request, ProviderCaller::OnChunk on_chunk,
                                           OnAttempt on_attempt, OnDone on_done, UsageLabels labels) {
  auto routed = std::make_shared<Routed>();
  routed->labels = std::move(labels);
  routed->plugins = std::move(plugins);
  routed->targets = std::move(targets);
  routed->request = std::move(request);
  routed->on_chunk = std::move(on_chunk);
  routed->on_attempt = std::move(on_attempt);
  routed->on_done = std::move(on_done);
  attempt(routed);
  std::weak_ptr<Routed> weak = routed;
  return [weak] {
    auto r = weak.lock();
    if (!r) return;
    r->cancelled = true;
    std::function<void()> cancel;
    {
      std::lock_guard lock(r->mutex);
      cancel = r->cancel_current;
    }
    if (cancel) cancel();
  };
}

void ProviderRouter::attempt(const std::shared_ptr<Routed>& routed) {
  for (; routed->index < routed->targets.size(); ++routed->index, routed->retry = 0) {
    if (routed->cancelled.load()) {
      return routed->done({tl::unexpected(provider_error("cancelled", "the client went away")), 0.0});
    }
    const Target& target = routed->targets[routed->index];
    auto& st = state(target.instance->name);
    if (!st.breaker.allow(policy_)) {
      routed->last_failure =
          ProviderOutcome{tl::unexpected(provider_error(
                              "circuit_open", "circuit breaker of \"" + target.instance->name + "\" is open", 0, true)),
                          0.0};
      continue;
    }
    PluginPtr provider = routed->plugins->find(target.instance->plugin);
    if (!provider || !provider->provider) {
      routed->last_failure = ProviderOutcome{
          tl::unexpected(provider_error("provider_unavailable",
                                        "provider plugin \"" + target.instance->plugin + "\" is not loaded", 0, true)),
          0.0};
      continue;
    }
    if (routed->on_attempt) routed->on_attempt(target.instance->name, target.model);
    ++routed->attempts;
    st.in_flight.fetch_add(1);
    routed->attempt_started = Clock::now();
    plugin::ChatRequest request = routed->request;
    request.model = target.model;
    ProviderCaller::OnChunk chunk_callback;
    if (routed->on_chunk) {
      chunk_callback = [routed](const plugin::ChatChunk& chunk) {
        routed->delivered = true;
        return routed->on_chunk(chunk);
      };
    }
    auto cancel = caller_.call(
        provider, std::move(request), endpoint_for(*target.instance), timeouts_for(*target.instance),
        std::move(chunk_callback), [this, routed](ProviderOutcome outcome) { settle(routed, std::move(outcome)); },
        routed->labels.trace_headers);
    {
      std::lock_guard lock(routed->mutex);
      if (!routed->finished) routed->cancel_current = std::move(cancel);
    }
    if (routed->cancelled.load()) {
      std::function<void()> current;
      {
        std::lock_guard lock(routed->mutex);
        current = routed->cancel_current;
      }
      if (current) current();
    }
    return;
  }
  if (routed->last_failure) return routed->done(std::move(*routed->last_failure));
  routed->done(
      {tl::unexpected(provider_error("no_provider", "no provider instance can serve this request", 0, true)), 0.0});
}

void ProviderRouter::record_usage(const Routed& routed, const Target& target, ProviderOutcome& outcome) {
  if (outcome.result && outcome.result->usage.total_tokens() == 0) {
    auto& usage = outcome.result->usage;
    for (const auto& message : routed.request.messages) usage.input_tokens += estimate_tokens(message.content);
    usage.output_tokens = estimate_tokens(outcome.result->content);
  }
  auto entry = priced_entry(*routed.plugins, *target.instance, routed.request, target.model, outcome.result,
                            outcome.upstream_ms, routed.labels);
  if (usage_sink_) usage_sink_(entry);
  // After the ledger has it: a budget that reads the ledger meanwhile counts it twice at
  // worst, never not at all.
  if (routed.labels.budget) routed.labels.budget->charge(entry.cost_nanousd);
}

void ProviderRouter::settle(const std::shared_ptr<Routed>& routed, ProviderOutcome outcome) {
  const Target& target = routed->targets[routed->index];
  auto& st = state(target.instance->name);
  st.in_flight.fetch_sub(1);
  record_usage(*routed, target, outcome);
  if (outcome.result) {
    st.breaker.record_success();
    {
      std::lock_guard lock(st.latency_mutex);
      st.latency_ewma_ms =
          st.latency_ewma_ms == 0.0 ? outcome.upstream_ms : 0.8 * st.latency_ewma_ms + 0.2 * outcome.upstream_ms;
    }
    return routed->done(std::move(outcome));
  }
  const auto error = outcome.result.error();
  if (routed->cancelled.load() || error.code == "cancelled") {
    st.breaker.abandon();
    return routed->done(std::move(outcome));
  }
  // A canary version's failures are its monitor's to judge (CanaryMonitor rolls it back):
  // they do not open the breaker the current version's traffic goes through.
  const bool on_canary = routed->plugins->canary && routed->plugins->canary->name == target.instance->plugin;
  if (on_canary) {
    st.breaker.abandon();
  } else if (counts_against_instance(error)) {
    st.breaker.record_failure(policy_);
  }
  // Nothing is retried once the client has seen part of the answer, nor a request that
  // would fail anywhere.
  if (routed->delivered.load() || !error.retryable) return routed->done(std::move(outcome));
  routed->last_failure = std::move(outcome);
  const bool retry_here =
      routed->retry < policy_.retry_attempts && !(error.retry_after && *error.retry_after > policy_.max_retry_after);
  if (retry_here) {
    const auto delay = backoff(routed->retry, error.retry_after);
    ++routed->retry;
    log().info("retrying provider", {{"provider", target.instance->name},
                                     {"retry", routed->retry},
                                     {"delay_ms", delay.count()},
                                     {"reason", error.code}});
    if (on_retry_) on_retry_(target.instance->name, error.code);
    timers_.schedule(delay, [this, routed] { attempt(routed); });
    return;
  }
  ++routed->index;
  routed->retry = 0;
  if (routed->index < routed->targets.size()) {
    log().info("falling back", {{"from", target.instance->name},
                                {"to", routed->targets[routed->index].instance->name},
                                {"reason", error.code}});
    if (on_fallback_) on_fallback_(target.instance->name, routed->targets[routed->index].instance->name);
  }
  attempt(routed);
}

std::int64_t worst_case_cost(const std::vector<ProviderRouter::Target>& targets, const plugin::ChatRequest& request,
                             const RegistrySnapshot& plugins, std::int64_t default_cap) {
  std::int64_t dearest = 0;
  for (const auto& target : targets) {
    dearest = std::max(dearest, worst_case_cost(plugins, *target.instance, target.model, request, default_cap));
  }
  return dearest;
}

nlohmann::json ProviderRouter::breakers() {
  nlohmann::json out = nlohmann::json::object();
  for (auto& [name, st] : states_) {
    out[name] = st->breaker.to_json(policy_);
    out[name]["in_flight"] = st->in_flight.load();
  }
  return out;
}

bool ProviderRouter::reset_breaker(const std::string& instance) {
  auto it = states_.find(instance);
  if (it == states_.end()) return false;
  it->second->breaker.reset();
  return true;
}

}  // namespace switchboard
