#pragma once
// The host's configuration: embedded defaults (config/switchboard.yaml, compiled in),
// overlaid by an optional file, then environment variables, then command-line flags.
// Every error names the key (and the variable it came from).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace switchboard {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;
  int threads = 2;
  std::size_t max_request_bytes = 16 * 1024 * 1024;  // hard cap on a whole request
  std::size_t max_header_bytes = 32 * 1024;          // all header names and values together
  int max_headers = 100;
  int header_timeout_seconds = 10;  // a client that trickles its headers is cut off
  int body_timeout_seconds = 60;
  std::string environment = "development";
  std::string admin_token;  // empty: SWITCHBOARD_ADMIN_TOKEN, else a generated file
  int drain_seconds = 30;
  int workers = 16;        // threads for handlers that wait (framework tasks, plugin loads)
  int worker_queue = 256;  // requests waiting for a worker before 503
  // Beyond loopback the `auth` middleware is required unless this says otherwise.
  bool allow_unauthenticated = false;
  // The names a request's Host may carry (DNS rebinding); empty: on a loopback listener
  // localhost, 127.0.0.1, [::1] and the listening address, else any. "*" is any.
  std::vector<std::string> allowed_hosts;
};

struct PathsConfig {
  std::string data_dir = "./data";
  std::string plugin_dir;   // empty: found next to the executable
  std::string config_dir;   // empty: found next to the executable or ./config
  std::string console_dir;  // the web console (console/dist); empty: found as config_dir is
  std::string docs_ui_dir;  // Swagger UI's files for /docs; empty: host/docs-ui's npm install, found as config_dir is
};

struct LoggingConfig {
  std::string level = "info";
  std::string file;  // empty: console only
  std::size_t max_file_bytes = 10 * 1024 * 1024;
  int max_files = 5;
};

struct StorageConfig {
  std::string url;  // empty: sqlite in the data folder
};

// How long records are kept (0: for ever). The sweep deletes older ones every
// `sweep_minutes`, in small transactions, off the request path.
struct RetentionConfig {
  int stories_days = 365;
  int chat_messages_days = 90;
  int context_days = 7;
  int checkpoint_days = 7;  // graph runs can be resumed this long
  int jobs_hours = 24;      // after completion
  int ledger_days = 0;
  int audit_days = 0;
  int sweep_minutes = 60;
};

// One plugin to load at start-up.
struct PluginSpec {
  std::string name;  // must match the plugin's own name
  std::string file;  // relative to the plugin folder
  nlohmann::json config = nlohmann::json::object();
};

// One configured upstream: a provider plugin plus where and how to reach it.
struct ProviderInstanceConfig {
  std::string name;
  std::string display_name;  // shown by /api/provider
  std::string plugin;
  std::string base_url;
  std::string api_key_env;  // name of the variable holding the key
  std::string model;
  std::vector<std::string> models;
  std::map<std::string, std::string> headers;
  std::string cost_model;
  nlohmann::json options = nlohmann::json::object();
  nlohmann::json timeouts = nlohmann::json::object();  // connect_ms, first_byte_ms, idle_ms, total_ms
};

struct RoutingConfig {
  std::string strategy = "fallback";      // fallback, round_robin, weighted, least_busy, lowest_latency, lowest_cost
  std::map<std::string, double> weights;  // instance → weight (weighted)
  std::map<std::string, std::vector<std::string>> fallbacks;  // instance → tried after it
};

struct ResilienceConfig {
  std::string preset = "simple";
  nlohmann::json custom = nlohmann::json::object();
};

// Structured extraction (POST /v1/analyze): how often a model that answered invalid
// output is asked again with the problems.
struct AnalysisConfig {
  int max_repairs = 2;
};

// What budgets hold calls to (see BudgetGuard). A call made for a principal with a budget
// reserves its worst case first: its prompt's estimated tokens plus its max_tokens (or, when
// it sets none, `default_max_tokens`, which it is then sent with) at its model's price.
// JWT subjects have no stored key to carry a budget: each gets the `jwt_*` ones (0: none).
struct BudgetsConfig {
  int default_max_tokens = 1024;
  std::int64_t jwt_daily_nanousd = 0;
  std::int64_t jwt_monthly_nanousd = 0;
};

// GET /metrics: public, or only with the admin token like /admin routes. Unset, it needs the
// token whenever the `auth` middleware is on (its figures are every tenant's) and is public
// without it (the embedded single-user default).
struct MetricsConfig {
  bool require_token = false;
};

// The response cache of the host's LLM client (every path): exact-match answers kept in
// this process, or in Redis when `redis_url` (or REDIS_URL) is set.
struct CacheConfig {
  bool enabled = true;
  int ttl_seconds = 3600;             // per request: options.cache_ttl (analyze, text)
  std::int64_t max_entries = 10'000;  // memory store bounds, least recently used out first
  std::int64_t max_bytes = 64LL << 20;
  std::int64_t max_entry_bytes = 1LL << 20;  // bigger answers are not kept
  std::int64_t compress_above_bytes = 1024;  // zlib above this
  bool shared_across_keys = false;           // false: each owner (tenant, owner.hpp) has its own entries
  std::string redis_url;
  std::string redis_prefix = "switchboard:cache:response:";
};

// Asynchronous jobs (POST /v1/jobs): run by `workers` threads of every instance sharing the
// store. A running job's heartbeat is written every `heartbeat_seconds`; one silent for
// `stale_after_seconds` (its process died) runs again, at most `max_attempts` times in all
// (default 2: once more after a crash, so a job that kills its server does not do it again
// and again); one running longer than `timeout_seconds` fails and is not run again.
// Webhooks are signed with HMAC-SHA256 of `webhook_secret` and retried with doubling pauses.
struct JobsConfig {
  int workers = 2;
  int heartbeat_seconds = 5;
  int stale_after_seconds = 60;
  int max_attempts = 2;
  int timeout_seconds = 600;
  std::string webhook_secret;  // or SWITCHBOARD_WEBHOOK_SECRET; empty: jobs with a webhook_url are refused
  int webhook_attempts = 5;
  int webhook_backoff_ms = 1000;  // before the second attempt; doubled each time after
  int webhook_timeout_ms = 10'000;
  bool webhook_allow_private = false;  // true: webhooks may reach loopback and private addresses
};

// Instances of one deployment that share a Redis (cache.redis_url): with `plugin_sync`, a
// plugin load, reload or unload through one instance's admin API is made on every instance.
struct ClusterConfig {
  bool plugin_sync = true;
  std::string channel = "switchboard:plugins";
};

struct Config {
  ServerConfig server;
  ClusterConfig cluster;
  AnalysisConfig analysis;
  BudgetsConfig budgets;
  CacheConfig cache;
  JobsConfig jobs;
  MetricsConfig metrics;
  PathsConfig paths;
  LoggingConfig logging;
  StorageConfig storage;
  RetentionConfig retention;
  std::vector<PluginSpec> plugins;
  std::vector<std::string> middleware;  // names, in the order requests pass through them
  std::vector<ProviderInstanceConfig> providers;
  std::string default_provider;
  RoutingConfig routing;
  ResilienceConfig resilience;
};

struct ConfigError {
  std::string key;      // "server.port"
  std::string message;  // "expected an integer from 1 to 65535, got \"abc\" (from SWITCHBOARD_PORT)"
  std::string to_string() const { return key.empty() ? message : key + ": " + message; }
};

using Environment = std::map<std::string, std::string>;

// The process environment as a map.
Environment process_environment();

// Loads the configuration. `file` overlays the embedded defaults; `env` overrides both.
tl::expected<Config, ConfigError> load_config(const std::optional<std::string>& file, const Environment& env);

// The same from YAML text (for tests and `--config -`).
tl::expected<Config, ConfigError> load_config_text(const std::string& yaml_text, const Environment& env);

// The embedded defaults as YAML text.
const std::string& embedded_default_config();

}  // namespace switchboard
