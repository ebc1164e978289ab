#pragma once
/// @file
/// `HostServices`: everything a plugin may ask of the host. Plugins use these and never
/// globals, so the host can observe, limit and account for what they do.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/chat.hpp>

namespace switchboard::plugin {

/// Severity of a log line.
enum class LogLevel : int { trace = 0, debug = 1, info = 2, warn = 3, error = 4 };

/// A structured logger named after the plugin. Lines are JSON with the request id of the
/// request being served; the host masks secrets in them.
class Logger {
 public:
  virtual ~Logger() = default;
  /// Writes one line with extra structured fields (an object, or null for none).
  virtual void log(LogLevel level, std::string_view message, const nlohmann::json& fields) = 0;

  /// Shorthand for `log(LogLevel::info, …)`.
  void info(std::string_view message, const nlohmann::json& fields = nullptr) { log(LogLevel::info, message, fields); }
  /// Shorthand for `log(LogLevel::warn, …)`.
  void warn(std::string_view message, const nlohmann::json& fields = nullptr) { log(LogLevel::warn, message, fields); }
  /// Shorthand for `log(LogLevel::error, …)`.
  void error(std::string_view message, const nlohmann::json& fields = nullptr) {
    log(LogLevel::error, message, fields);
  }
};

/// Metric labels, name to value.
using MetricLabels = std::map<std::string, std::string>;

/// A monotonically increasing metric.
class Counter {
 public:
  virtual ~Counter() = default;
  /// Adds `amount` (≥ 0).
  virtual void increment(double amount = 1.0) = 0;
};

/// A metric that goes up and down.
class Gauge {
 public:
  virtual ~Gauge() = default;
  /// Sets the value.
  virtual void set(double value) = 0;
  /// Adds `amount` (may be negative).
  virtual void add(double amount) = 0;
};

/// A distribution of observed values in fixed buckets.
class Histogram {
 public:
  virtual ~Histogram() = default;
  /// Records one observation.
  virtual void observe(double value) = 0;
};

/// Registers metrics in the host's Prometheus registry. Names must match
/// `[a-zA-Z_:][a-zA-Z0-9_:]*`; the same name, help and labels return the same metric.
class Metrics {
 public:
  virtual ~Metrics() = default;
  /// A counter with fixed label values.
  virtual std::shared_ptr<Counter> counter(const std::string& name, const std::string& help,
                                           const MetricLabels& labels) = 0;
  /// A gauge with fixed label values.
  virtual std::shared_ptr<Gauge> gauge(const std::string& name, const std::string& help,
                                       const MetricLabels& labels) = 0;
  /// A histogram with fixed label values and bucket upper bounds (ascending).
  virtual std::shared_ptr<Histogram> histogram(const std::string& name, const std::string& help,
                                               const MetricLabels& labels, const std::vector<double>& buckets) = 0;
};

/// A small key-value store shared by the host's instances (memory, or Redis when
/// configured). Values are opaque bytes.
class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;
  /// The value of `key`, or nothing when absent or expired.
  virtual std::optional<std::string> get(const std::string& key) = 0;
  /// Stores `value` under `key`; a zero `ttl` never expires.
  virtual void put(const std::string& key, std::string value, std::chrono::seconds ttl) = 0;
  /// Removes `key`; absent keys are ignored.
  virtual void erase(const std::string& key) = 0;
};

/// Why the host's LLM client could not produce a completion.
struct LlmError {
  std::string code;       ///< stable machine-readable code, e.g. "LLM_PROVIDER_ERROR"
  std::string message;    ///< human-readable reason (never contains secrets)
  int http_status = 502;  ///< the status a client of the host should see
  /// More fields of the error a client sees (e.g. a budget's figures); null for none.
  nlohmann::json details = nullptr;
};

/// Called for each streamed chunk; return false to stop the stream.
using ChunkCallback = std::function<bool(const ChatChunk&)>;

/// The host's LLM client. Calls go through routing, caching, retries, circuit breakers,
/// budgets, cost accounting and metrics. Frameworks reach models only through it.
///
/// Since 1.1, `request.extra["timeout_ms"]` (a positive integer) bounds one call: the host
/// gives up after that long and answers `TIMEOUT` (504). Providers never see the field.
class LlmClient {
 public:
  virtual ~LlmClient() = default;
  /// One whole completion; blocks the calling (worker) thread until it is done.
  virtual tl::expected<ChatResult, LlmError> complete(const ChatRequest& request) = 0;
  /// A streamed completion: `on_chunk` runs for each chunk on the calling thread; the
  /// result carries the whole text and final usage.
  virtual tl::expected<ChatResult, LlmError> stream(const ChatRequest& request, const ChunkCallback& on_chunk) = 0;
};

/// One saved step of a graph run: enough to carry the run on from there.
struct Checkpoint {
  std::string run_id;                                  ///< the run, chosen by the plugin
  std::string graph;                                   ///< the graph or workflow name
  int step = 0;                                        ///< supersteps completed
  nlohmann::json state = nlohmann::json::object();     ///< the state after that step
  std::vector<std::string> next;                       ///< nodes to run next (empty: none)
  std::string status;                                  ///< "running", "done" or "failed"
  nlohmann::json metadata = nlohmann::json::object();  ///< plugin-defined, e.g. the run's input
};

/// Where graph runs keep their checkpoints (the host's database, so a run survives a
/// restart). Safe to use from several threads.
class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  /// Saves a step; saving the same run and step again replaces it.
  virtual void save(const Checkpoint& checkpoint) = 0;
  /// The newest step of `run_id`, or nothing when the run is unknown — or, since 2.1, not
  /// the current request's owner's (the host keeps each run to the owner that started it).
  virtual std::optional<Checkpoint> latest(const std::string& run_id) = 0;
};

/// Who a request acts for, as an authenticating middleware established it.
struct Principal {
  std::string kind;  ///< "api_key" or "jwt"
  std::string id;    ///< the key's id, or the token's `sub`
  std::string name;  ///< the key's name, or the token's `iss` (empty when it has none)
  std::string team;  ///< the key's team (empty for tokens)
  // The host derives the owner of what the request stores and sees from these (tenant
  // isolation, since 2.1): a key's team, else the key; a token's issuer and subject.
};

/// An API key as the host keeps it: only the SHA-256 of the key itself is stored.
struct ApiKeyInfo {
  std::string id;
  std::string name;
  std::string team;
  bool active = true;
  std::string expires_at;                ///< ISO-8601 UTC; empty: never
  std::int64_t rate_limit_per_hour = 0;  ///< 0: the rate limiter's default
};

/// The host's API keys, for the middleware that checks them.
class KeyDirectory {
 public:
  virtual ~KeyDirectory() = default;
  /// The key whose SHA-256 (lower-case hex) is `sha256_hex`, or nothing.
  virtual std::optional<ApiKeyInfo> find_by_hash(const std::string& sha256_hex) = 0;
  /// Since 2.2: the key whose id is `id` (a principal's), or nothing.
  virtual std::optional<ApiKeyInfo> find_key(const std::string& id) {
    (void)id;
    return std::nullopt;
  }
};

/// Everything the host offers a plugin. One instance per loaded plugin, valid for the
/// plugin instance's whole life.
class HostServices {
 public:
  virtual ~HostServices() = default;
  /// The plugin's logger.
  virtual Logger& logger() = 0;
  /// The host's metrics registry.
  virtual Metrics& metrics() = 0;
  /// The host's configuration folder (holds `pricing.yaml`, `prompts/`, `workflows/`).
  virtual std::string config_dir() const = 0;
  /// The current wall-clock time (a seam for tests).
  virtual std::chrono::system_clock::time_point now() const = 0;
  /// The shared key-value store.
  virtual KeyValueStore& kv() = 0;
  /// The LLM client (for frameworks; other kinds should not need it).
  virtual LlmClient& llm() = 0;

  // Since 1.1.

  /// Runs `tasks` at the same time and returns when all have ended; the first exception one
  /// threw is rethrown. Unlike threads of the plugin's own, each task is served as part of the
  /// calling request: its LLM calls are routed, billed and logged with that request. The host
  /// bounds its helper threads; the calling thread runs whatever no helper picked up.
  virtual void run_parallel(const std::vector<std::function<void()>>& tasks) {
    for (const auto& task : tasks) task();
  }
  /// The host's checkpoint store; null when the host keeps none.
  virtual CheckpointStore* checkpoints() { return nullptr; }
  /// Tells the request being served how its task is going (a graph's node updates); a client
  /// that asked for a stream receives each event at once. Call it from the thread that runs
  /// the task; outside a request it does nothing.
  virtual void emit_event(const nlohmann::json& event) { (void)event; }
  /// The host's API keys; null when it keeps none (no store).
  virtual KeyDirectory* api_keys() { return nullptr; }
  /// Records who the request being served acts for (call from `Middleware::on_request`):
  /// routes and budgets see it, and `GET /v1/auth/status` reports it.
  virtual void set_principal(const Principal& principal) { (void)principal; }

  // Since 2.0.

  /// Records a security event of the request being served in the audit log (stored, and
  /// logged as JSON) with its request id, client and principal: e.g. `auth.failure`,
  /// `rate_limit.exceeded`, `pii.detected`. `details` must hold no secret. The host adds the
  /// request's path (since 2.2: unless `details` has one; `"path": null` leaves it out).
  virtual void audit(const std::string& action, const nlohmann::json& details) {
    (void)action;
    (void)details;
  }

  // Since 2.2.

  /// Who the request being served acts for, as `set_principal` recorded it (so a middleware
  /// after the authenticating one can tell); nothing outside a request or before one was set.
  virtual std::optional<Principal> principal() const { return std::nullopt; }
};

}  // namespace switchboard::plugin
