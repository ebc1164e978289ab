#pragma once
// The host application: configuration, plugins, services and routes, independent of the
// HTTP library. `handle` runs one request through middleware, admin auth and the router.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <switchboard/config.hpp>
#include <switchboard/http_types.hpp>
#include <switchboard/router.hpp>

namespace switchboard {

class PluginRegistry;
class MetricsRegistry;
class HostLlmClient;
class MemoryKeyValueStore;
class WorkerPool;
class ParallelRunner;
class UpstreamClient;
class ProviderCaller;
class ProviderRouter;
class TimerQueue;
class AuditLog;
class BudgetGuard;
class LedgerWriter;
class LlmCallGate;
class RetentionSweeper;
class ResponseCache;
class JobRunner;
class PluginSync;
class CanaryMonitor;
class HttpMetrics;
class LlmMetrics;
namespace storage {
class Database;
struct LedgerEntry;
}  // namespace storage
namespace plugin {
class CheckpointStore;
class KeyDirectory;
}  // namespace plugin

class ReplyChannel;

struct ResolvedPaths {
  std::filesystem::path data_dir;
  std::filesystem::path plugin_dir;
  std::filesystem::path config_dir;
  std::filesystem::path docs_ui_dir;
  std::filesystem::path console_dir;
};

// Finds the plugin and configuration folders when the configuration leaves them empty:
// next to the executable (build tree or installed layout), then the working directory.
ResolvedPaths resolve_paths(const Config& config);

class App {
 public:
  // `database`: the migrated store (null in tests that need none).
  App(Config config, ResolvedPaths paths, std::string admin_token,
      std::shared_ptr<storage::Database> database = nullptr);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Loads the configured plugins. A refused plugin is logged and skipped; the host runs on.
  // Returns the number refused.
  int load_configured_plugins();
  // Starts running stored jobs (with a store and jobs.workers > 0); after the plugins load,
  // so no job runs without its provider.
  void start_jobs();

  // Runs one request: middleware, admin auth and routing on the calling (reactor) thread;
  // the handler there too, on the worker pool when its route says so (a full pool answers
  // 503 with Retry-After at once), or asynchronously. The answer goes to `channel`, from
  // whichever thread produces it.
  void handle(HttpRequest request, std::shared_ptr<ReplyChannel> channel);
  // Decides about a request whose body has not been read yet (`head` has none; its declared
  // length is `declared_length`, nothing when chunked): the answer that refuses it — a path
  // that is not canonical, an admin route without the admin token, or a middleware's
  // `on_headers` refusal (a body over the route's limit, no valid credential) — or nothing
  // to read the body and `handle` the request. On the reactor thread.
  std::optional<HttpResponse> admit_before_body(HttpRequest head, std::optional<std::size_t> declared_length);

  const Config& config() const { return config_; }
  const ResolvedPaths& paths() const { return paths_; }
  PluginRegistry& registry() { return *registry_; }
  MetricsRegistry& metrics() { return *metrics_; }
  const Router& router() const { return router_; }
  WorkerPool& workers() { return *workers_; }
  ParallelRunner& parallel() { return *parallel_; }
  ProviderCaller& provider_caller() { return *provider_caller_; }
  ProviderRouter& provider_router() { return *provider_router_; }
  const std::string& admin_token() const { return admin_token_; }
  storage::Database* database() { return database_.get(); }
  // Null without a store.
  LedgerWriter* ledger_writer() { return ledger_writer_.get(); }
  // Records an LLM call the host answered without a provider (a cache hit on the gateway):
  // metrics and the ledger, as the provider paths record theirs.
  void record_usage(const storage::LedgerEntry& entry);
  // The LLM client frameworks get: routing, budgets, middleware, pricing and the ledger.
  plugin::LlmClient& llm();
  AuditLog& audit() { return *audit_; }
  const LlmCallGate& llm_gate() const { return *llm_gate_; }
  ResponseCache& response_cache() { return *response_cache_; }
  JobRunner* job_runner() { return jobs_.get(); }  // null until start_jobs, or without a store
  // With cache.redis_url and cluster.plugin_sync: shares plugin changes with the other
  // instances (after the configured plugins are loaded). Null otherwise.
  void start_plugin_sync();
  PluginSync* plugin_sync() { return plugin_sync_.get(); }
  // Judges a running canary from the requests answered, and rolls it back.
  CanaryMonitor& canary_monitor() { return *canary_monitor_; }
  std::chrono::steady_clock::time_point started_at() const { return started_at_; }

 private:
  struct Exchange;
  class ExchangeReply;
  void add_routes();
  std::optional<HttpResponse> before_handler(Exchange& exchange);
  // 401/403 unless `request` carries the admin token.
  std::optional<HttpResponse> admin_token_refusal(const HttpRequest& request, std::string_view request_id) const;
  HttpResponse run_handler(Exchange& exchange, const RouteHandler& handler, const PathParams& params);
  // Middleware on the way out, request id headers: for whole responses and stream heads.
  void finish_headers(Exchange& exchange, int status, HeaderList& headers);
  void record(Exchange& exchange, int status);
  void finish(Exchange& exchange, HttpResponse response);

  Config config_;
  ResolvedPaths paths_;
  std::string admin_token_;
  std::chrono::steady_clock::time_point started_at_;
  std::shared_ptr<storage::Database> database_;
  std::unique_ptr<AuditLog> audit_;              // outlives everything that records events
  std::unique_ptr<LedgerWriter> ledger_writer_;  // outlives everything that records usage
  std::shared_ptr<BudgetGuard> budgets_;         // null without a store
  std::unique_ptr<LlmCallGate> llm_gate_;
  std::unique_ptr<RetentionSweeper> retention_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<LlmMetrics> llm_metrics_;
  std::unique_ptr<MemoryKeyValueStore> kv_;
  std::unique_ptr<ResponseCache> response_cache_;
  std::unique_ptr<PluginSync> plugin_sync_;
  std::unique_ptr<CanaryMonitor> canary_monitor_;
  std::unique_ptr<HostLlmClient> llm_;
  std::unique_ptr<PluginRegistry> registry_;
  std::unique_ptr<HttpMetrics> http_metrics_;
  Router router_;
  std::unique_ptr<UpstreamClient> upstream_;
  std::unique_ptr<WorkerPool> workers_;                   // stops before the rest: its tasks use everything above
  std::unique_ptr<ParallelRunner> parallel_;              // helpers of worker tasks
  std::unique_ptr<plugin::CheckpointStore> checkpoints_;  // null without a store
  std::unique_ptr<plugin::KeyDirectory> key_directory_;   // null without a store
  std::unique_ptr<ProviderCaller> provider_caller_;
  std::unique_ptr<TimerQueue> timers_;
  std::unique_ptr<ProviderRouter> provider_router_;
  std::unique_ptr<JobRunner> jobs_;  // stops first: its jobs use everything above
};

}  // namespace switchboard
