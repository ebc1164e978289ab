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
struct HttpMetrics;

// Receives the response of one request exactly once: on the calling thread for routes that
// run on the reactor, later on a worker thread for routes that run on the worker pool.
using Responder = std::function<void(HttpResponse)>;

struct ResolvedPaths {
  std::filesystem::path data_dir;
  std::filesystem::path plugin_dir;
  std::filesystem::path config_dir;
};

// Finds the plugin and configuration folders when the configuration leaves them empty:
// next to the executable (build tree or installed layout), then the working directory.
ResolvedPaths resolve_paths(const Config& config);

class App {
 public:
  App(Config config, ResolvedPaths paths, std::string admin_token);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // Loads the configured plugins. A refused plugin is logged and skipped; the host runs on.
  // Returns the number refused.
  int load_configured_plugins();

  // Runs one request: middleware, admin auth and routing on the calling (reactor) thread;
  // the handler there too, or on the worker pool when its route says so (a full pool
  // answers 503 with Retry-After at once).
  void handle(HttpRequest request, Responder respond);

  const Config& config() const { return config_; }
  const ResolvedPaths& paths() const { return paths_; }
  PluginRegistry& registry() { return *registry_; }
  MetricsRegistry& metrics() { return *metrics_; }
  const Router& router() const { return router_; }
  WorkerPool& workers() { return *workers_; }
  const std::string& admin_token() const { return admin_token_; }
  std::chrono::steady_clock::time_point started_at() const { return started_at_; }

 private:
  struct Exchange;
  void add_routes();
  std::optional<HttpResponse> before_handler(Exchange& exchange);
  HttpResponse run_handler(Exchange& exchange, const RouteHandler& handler, const PathParams& params);
  void finish(Exchange& exchange, HttpResponse response, const Responder& respond);

  Config config_;
  ResolvedPaths paths_;
  std::string admin_token_;
  std::chrono::steady_clock::time_point started_at_;
  std::unique_ptr<MetricsRegistry> metrics_;
  std::unique_ptr<MemoryKeyValueStore> kv_;
  std::unique_ptr<HostLlmClient> llm_;
  std::unique_ptr<PluginRegistry> registry_;
  std::unique_ptr<HttpMetrics> http_metrics_;
  Router router_;
  std::unique_ptr<WorkerPool> workers_;  // first to stop: its tasks use everything above
};

}  // namespace switchboard
