#include <switchboard/app.hpp>

#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/metrics.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/reply.hpp>
#include <switchboard/reply_channel.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/request_id.hpp>
#include <switchboard/request_path.hpp>
#include <switchboard/resilience.hpp>
#include <switchboard/storage/api_keys.hpp>
#include <switchboard/storage/audit_events.hpp>
#include <switchboard/storage/checkpoints.hpp>
#include <switchboard/storage/database.hpp>
#include <switchboard/upstream_client.hpp>
#include <switchboard/worker_pool.hpp>

#include "api/jobs_api.hpp"
#include "api/mcp_api.hpp"
#include "api/routes.hpp"
#include "audit_log.hpp"
#include "budget_guard.hpp"
#include "cache/response_cache.hpp"
#include "canary_monitor.hpp"
#include "cluster/plugin_sync.hpp"
#include "constant_time.hpp"
#include "jobs/job_runner.hpp"
#include "ledger_writer.hpp"
#include "llm_call_gate.hpp"
#include "llm_client.hpp"
#include "memory_kv.hpp"
#include "observability/http_metrics.hpp"
#include "observability/llm_metrics.hpp"
#include "observability/process_metrics.hpp"
#include "observability/runtime_metrics.hpp"
#include "parallel_runner.hpp"
#include "plugin_services.hpp"
#include "provider_call.hpp"
#include "provider_router.hpp"
#include "request_guards.hpp"
#include "retention_sweeper.hpp"
#include "stored_budgets.hpp"
#include "timer_queue.hpp"

namespace switchboard {
namespace fs = std::filesystem;
namespace {

Logger& log() {
  static Logger logger("http");
  return logger;
}

fs::path executable_dir() {
  std::error_code error;
  auto exe = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::current_path() : exe.parent_path();
}

fs::path first_existing(std::initializer_list<fs::path> candidates) {
  std::error_code error;
  for (const auto& candidate : candidates) {
    if (fs::is_directory(candidate, error)) return fs::weakly_canonical(candidate, error);
  }
  return *candidates.begin();
}

// Header values with line breaks would split the response: never let one through.
bool header_is_safe(const std::pair<std::string, std::string>& header) {
  auto clean = [](const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; };
  return !header.first.empty() && clean(header.first) && clean(header.second);
}

// JSON bodies nested deeper than this are refused before anything parses them: nlohmann
// parses any depth, but copying or dumping a value recurses once per level, and a body of a
// few hundred thousand brackets would overflow a thread's stack where a handler stores it.
constexpr int kMaxJsonDepth = 64;

bool json_nested_too_deep(std::string_view body) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) return false;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = first; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // whatever is escaped cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// A UTF-8 byte order mark is no part of JSON text (RFC 8259 §8.1 lets a parser ignore it, and
// nlohmann does). Removed once at the door, so the depth check, every middleware and every
// handler read the same bytes: before, the depth check saw no '{' after the mark and let
// 60 000 levels through to a handler, and input-guard scanned text the parser then skipped.
void drop_byte_order_mark(std::string& body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.erase(0, 3);
}

// Routes only the admin token opens, decided from the matched route (the path is canonical
// by then, so an unmatched path's prefix is the same thing).
bool needs_admin_token(std::string_view route, bool metrics_need_token) {
  const auto under = [route](std::string_view top) {
    return route == top || (route.starts_with(top) && route.size() > top.size() && route[top.size()] == '/');
  };
  return under("/admin") || under("/internal") || (metrics_need_token && route == "/metrics");
}

// check_request with the policy of `config` and the `cors` middleware live in `plugins`, as
// the error response to answer.
std::optional<HttpResponse> guard_request(const HttpRequest& request, const Config& config,
                                          const RegistrySnapshot& plugins, std::string_view request_id) {
  GuardPolicy policy{allowed_hosts(config), {}};
  const bool cors_on = std::find(config.middleware.begin(), config.middleware.end(), "cors") != config.middleware.end();
  if (const auto cors = cors_on ? plugins.find("cors") : nullptr; cors && request.header("Origin")) {
    // The live plugin's configuration: a reload with other origins takes effect at once.
    if (const auto list = cors->config.find("allowed_origins"); list != cors->config.end() && list->is_array()) {
      for (const auto& each : *list) {
        if (each.is_string()) policy.cors_origins.push_back(each.get<std::string>());
      }
    }
  }
  auto refusal = check_request(request, policy);
  if (!refusal) return std::nullopt;
  return error_response(refusal->status, refusal->code, refusal->message, request_id);
}

HttpResponse invalid_path(std::string_view request_id) {
  return error_response(400, "INVALID_PATH",
                        "the request path has a dot segment, an encoded slash or a control character", request_id);
}

}  // namespace

ResolvedPaths resolve_paths(const Config& config) {
  const fs::path exe = executable_dir();
  ResolvedPaths paths;
  paths.data_dir = config.paths.data_dir;
  paths.plugin_dir = config.paths.plugin_dir.empty()
                         ? first_existing({exe / "../plugins", exe / "../lib/switchboard/plugins", "build/plugins"})
                         : fs::path(config.paths.plugin_dir);
  paths.config_dir =
      config.paths.config_dir.empty()
          ? first_existing({fs::current_path() / "config", exe / "../../config", exe / "../share/switchboard/config"})
          : fs::path(config.paths.config_dir);
  // Installed by tools/dev (npm ci in host/docs-ui); the installed layout ships the files beside config/.
  const fs::path swagger_ui = fs::path("host/docs-ui/node_modules/swagger-ui-dist");
  paths.docs_ui_dir = config.paths.docs_ui_dir.empty()
                          ? first_existing({fs::current_path() / swagger_ui, exe / "../.." / swagger_ui,
                                            exe / "../share/switchboard/docs-ui"})
                          : fs::path(config.paths.docs_ui_dir);
  // Built by tools/dev (npm run build in console/); the installed layout ships it beside config/.
  paths.console_dir = config.paths.console_dir.empty()
                          ? first_existing({fs::current_path() / "console/dist", exe / "../../console/dist",
                                            exe / "../share/switchboard/console"})
                          : fs::path(config.paths.console_dir);
  return paths;
}

App::App(Config config, ResolvedPaths paths, std::string admin_token, std::shared_ptr<storage::Database> database)
    : config_(std::move(config)),
      paths_(std::move(paths)),
      admin_token_(std::move(admin_token)),
      started_at_(std::chrono::steady_clock::now()),
      database_(std::move(database)),
      audit_(std::make_unique<AuditLog>(database_.get())),
      metrics_(std::make_unique<MetricsRegistry>()),
      kv_(std::make_unique<MemoryKeyValueStore>()),
      response_cache_(std::make_unique<ResponseCache>(config_.cache, metrics_.get())),
      llm_(std::make_unique<HostLlmClient>(config_)) {
  // Private copies of loaded plugins live in a folder of this process, removed on exit.
  const fs::path private_dir = paths_.data_dir / "plugin-copies" / std::to_string(::getpid());
  registry_ = std::make_unique<PluginRegistry>(
      paths_.plugin_dir, private_dir, [this](const std::string& name) -> std::shared_ptr<plugin::HostServices> {
        return std::make_shared<PluginServices>(name, paths_.config_dir.string(), *metrics_, *kv_, *llm_, *parallel_,
                                                checkpoints_.get(), key_directory_.get(), *audit_);
      });
  llm_->attach(*registry_);
  add_process_metrics(*metrics_);
  llm_metrics_ = std::make_unique<LlmMetrics>(*metrics_);
  http_metrics_ = std::make_unique<HttpMetrics>(*metrics_);
  // A canary that fails its policy is aborted here; its requests finish on it.
  canary_monitor_ =
      std::make_unique<CanaryMonitor>(*metrics_, [this](const std::string& plugin, const nlohmann::json& reason) {
        auto aborted = registry_->abort_canary(plugin);
        if (!aborted) return;  // promoted or aborted by hand meanwhile
        canary_monitor_->count_event(plugin, "rollback");
        // The other instances abort theirs too: one instance's evidence is enough to stop.
        if (plugin_sync_) plugin_sync_->publish({{"action", "canary.abort"}, {"name", plugin}, {"reason", reason}});
        log().warn("canary rolled back", {{"plugin", plugin}, {"version", (*aborted)->version}, {"reason", reason}});
        storage::AuditEvent event;
        event.action = "plugin.canary.rollback";
        event.actor = "canary-monitor";
        event.target = plugin;
        event.details = reason;
        event.details["version"] = (*aborted)->version;
        audit_->record(std::move(event));
      });
  registry_->set_operation_observer([metrics = metrics_.get()](const char* operation, bool ok) {
    metrics
        ->counter("switchboard_plugin_operations_total", "Plugin loads, reloads and unloads, by result",
                  {{"operation", operation}, {"result", ok ? "ok" : "refused"}})
        ->increment();
  });
  upstream_ = std::make_unique<UpstreamClient>();
  workers_ = std::make_unique<WorkerPool>(static_cast<std::size_t>(config_.server.workers),
                                          static_cast<std::size_t>(config_.server.worker_queue));
  add_worker_pool_metrics(*metrics_, *workers_);
  parallel_ = std::make_unique<ParallelRunner>(std::max<std::size_t>(2, config_.server.workers / 2));
  if (database_) {
    // Plugins save and resume runs while serving a request: its owner's runs.
    checkpoints_ = std::make_unique<storage::CheckpointRepository>(*database_, [] {
      const RequestContext* request = current_request();
      return request ? owner_of(*request) : std::string();
    });
    key_directory_ = std::make_unique<storage::ApiKeyRepository>(*database_);
  }
  provider_caller_ = std::make_unique<ProviderCaller>(*upstream_, *workers_);
  timers_ = std::make_unique<TimerQueue>();
  provider_router_ = std::make_unique<ProviderRouter>(
      config_, *provider_caller_, *timers_, *resolve_policy(config_.resilience.preset, config_.resilience.custom));
  llm_->attach_router(*provider_router_);
  add_provider_metrics(*metrics_, *provider_router_);
  provider_router_->set_retry_observers(
      [metrics = metrics_.get()](const std::string& instance, const std::string& reason) {
        metrics
            ->counter("switchboard_llm_retries_total", "Retries of an LLM call on the same provider instance",
                      {{"provider", instance}, {"reason", reason}})
            ->increment();
      },
      [metrics = metrics_.get()](const std::string& from, const std::string& to) {
        metrics
            ->counter("switchboard_llm_fallbacks_total", "LLM calls moved on to the next provider instance",
                      {{"from", from}, {"to", to}})
            ->increment();
      });
  if (database_) {
    ledger_writer_ = std::make_unique<LedgerWriter>(*database_);
    budgets_ = std::make_shared<BudgetGuard>(
        std::make_unique<StoredBudgets>(
            *database_, [writer = ledger_writer_.get()] { writer->flush(); },
            BudgetLimits{config_.budgets.jwt_daily_nanousd, config_.budgets.jwt_monthly_nanousd}),
        config_.cache.redis_url);
    retention_ = std::make_unique<RetentionSweeper>(*database_, config_.retention);
  }
  // Every LLM call's entry: metrics always, the ledger with a store. (Budgets are charged by
  // the calls' holds.)
  auto sink = [this](storage::LedgerEntry entry) { record_usage(entry); };
  provider_router_->set_usage_sink(sink);
  llm_->set_usage_sink(sink);
  llm_gate_ = std::make_unique<LlmCallGate>(budgets_.get(), *audit_, config_.budgets.default_max_tokens);
  llm_->attach_gate(*llm_gate_);
  if (config_.cache.enabled) llm_->attach_cache(*response_cache_);
  add_routes();
}

plugin::LlmClient& App::llm() { return *llm_; }

void App::record_usage(const storage::LedgerEntry& entry) {
  llm_metrics_->record(entry);
  if (ledger_writer_) ledger_writer_->record(entry);
}

void App::start_jobs() {
  if (!database_ || jobs_ || config_.jobs.workers <= 0) return;
  jobs_ = std::make_unique<JobRunner>(*database_, config_.jobs, config_.retention.jobs_hours, *metrics_,
                                      [this](const storage::Job& job) { return run_job(*this, job); });
}

void App::start_plugin_sync() {
  if (plugin_sync_ || !config_.cluster.plugin_sync || config_.cache.redis_url.empty()) return;
  // Another instance's change, made here as its admin call made it there; audited as its.
  plugin_sync_ = std::make_unique<PluginSync>(
      config_.cache.redis_url, config_.cluster.channel, [this](const nlohmann::json& change) {
        const std::string action = change.value("action", "");
        const std::string name = change.value("name", "");
        const std::optional<std::string> file = change.contains("file") && change["file"].is_string()
                                                    ? std::optional(change["file"].get<std::string>())
                                                    : std::nullopt;
        const std::optional<nlohmann::json> plugin_config =
            change.contains("config") && change["config"].is_object() ? std::optional(change["config"]) : std::nullopt;
        std::string error;
        if (action == "load") {
          auto loaded = registry_->load(file.value_or(""), name, plugin_config.value_or(nlohmann::json::object()));
          if (!loaded) error = loaded.error().message;
        } else if (action == "reload") {
          auto reloaded = registry_->reload(name, file, plugin_config);
          if (!reloaded) error = reloaded.error().message;
        } else if (action == "unload") {
          auto removed = registry_->unload(name);
          if (!removed) error = removed.error().message;
        } else if (action == "canary.start") {
          nlohmann::json details = nlohmann::json::array();
          const auto policy = canary_policy_from(change.value("policy", nlohmann::json::object()), details);
          if (!details.empty()) {
            error = "invalid canary policy: " + details.dump();
          } else if (auto started = registry_->start_canary(name, file, plugin_config, policy.share); started) {
            canary_monitor_->start(name, policy);
            canary_monitor_->count_event(name, "start");
          } else {
            error = started.error().message;
          }
        } else if (action == "canary.promote" || action == "canary.abort") {
          auto done = action == "canary.promote" ? registry_->promote_canary(name) : registry_->abort_canary(name);
          if (done) {
            canary_monitor_->stop();
            canary_monitor_->count_event(name, action == "canary.promote" ? "promote" : "abort");
          } else {
            error = done.error().message;
          }
        } else {
          return;
        }
        const std::string origin = change.value("origin", "");
        Logger cluster_log("cluster");
        if (!error.empty()) {
          cluster_log.error("plugin change from another instance failed here",
                            {{"action", action}, {"plugin", name}, {"origin", origin}, {"reason", error}});
          return;
        }
        cluster_log.info("plugin change from another instance made here",
                         {{"action", action}, {"plugin", name}, {"origin", origin}});
        storage::AuditEvent event;
        event.action = "plugin." + action;
        event.actor = "cluster:" + origin;
        event.target = name;
        event.details = {{"instance", plugin_sync_ ? plugin_sync_->instance_id() : ""}};
        if (change.contains("reason")) event.details["reason"] = change["reason"];  // a rollback elsewhere
        audit_->record(std::move(event));
      });
}

App::~App() {
  plugin_sync_.reset();  // no change from elsewhere arrives while the rest goes
  jobs_.reset();         // running jobs finish first
  workers_->shutdown();
  parallel_->shutdown();
  timers_.reset();    // no retry starts after this
  upstream_.reset();  // aborts transfers still running (their callbacks see `cancelled`)
  registry_.reset();
  std::error_code ignored;
  fs::remove_all(paths_.data_dir / "plugin-copies" / std::to_string(::getpid()), ignored);
}

int App::load_configured_plugins() {
  int refused = 0;
  for (const auto& spec : config_.plugins) {
    auto loaded = registry_->load(spec.file, spec.name, spec.config);
    if (!loaded) ++refused;  // already logged with its reason
  }
  return refused;
}

void App::add_routes() {
  add_health_routes(router_, *this);
  add_admin_routes(router_, *this);
  add_framework_routes(router_, *this);
  add_gateway_routes(router_, *this);
  add_resilience_routes(router_, *this);
  add_cost_routes(router_, *this);
  add_story_routes(router_, *this);
  add_chat_routes(router_, *this);
  add_workflow_routes(router_, *this);
  add_context_routes(router_, *this);
  add_auth_routes(router_, *this);
  add_audit_routes(router_, *this);
  add_analyze_routes(router_, *this);
  add_cache_routes(router_, *this);
  add_job_routes(router_, *this);
  add_text_processing_routes(router_, *this);
  add_registry_routes(router_, *this);
  add_logs_routes(router_, *this);
  add_mcp_routes(router_, *this);
  add_migration_routes(router_, *this);
  add_docs_routes(router_, *this);
  add_console_routes(router_, *this);
  router_.add("GET", "/metrics", [this](const RequestContext&, const PathParams&) {
    HttpResponse response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics_->exposition();
    return response;
  });
}

// One request on its way through the host; shared with whoever answers it.
struct App::Exchange {
  Exchange(HttpRequest incoming, SnapshotLease snapshot, std::shared_ptr<ReplyChannel> reply_channel)
      : request(std::move(incoming)),
        lease(std::move(snapshot)),
        channel(std::move(reply_channel)),
        context{request,
                accept_or_generate_request_id(request.header("X-Request-ID")),
                new_uuid(),
                lease,
                std::chrono::steady_clock::now(),
                &llm_calls,
                "request",
                "",
                {},
                {},
                &info,
                &chain,
                false,
                std::nullopt},
        info{request.method,      request.path,      request.query,     request.headers,
             request.body.size(), request.client_ip, context.request_id} {
    context.trace = accept_or_start_trace(request.header("traceparent"), request.header("tracestate"));
    const std::string cache_control = request.header("Cache-Control").value_or("");
    context.cache_bypass =
        cache_control.find("no-cache") != std::string::npos || cache_control.find("no-store") != std::string::npos;
  }

  HttpRequest request;
  SnapshotLease lease;
  std::shared_ptr<ReplyChannel> channel;
  std::vector<LlmCallRecord> llm_calls;
  RequestContext context;
  plugin::HttpRequestInfo info;
  std::vector<plugin::Middleware*> chain;
  std::size_t middleware_ran = 0;
  std::string_view route = "unmatched";
  bool admin_only = false;  // a route only the admin token opens
  int stream_status = 0;
};

// The Reply of an asynchronous route: it owns the exchange (and so the plugin snapshot)
// until the answer is complete.
class App::ExchangeReply final : public Reply {
 public:
  ExchangeReply(App& app, std::shared_ptr<Exchange> exchange) : app_(app), exchange_(std::move(exchange)) {}

  void send(HttpResponse response) override {
    if (answered_.exchange(true)) return;
    logging::ScopedContext log_context(exchange_->context.log_context());
    app_.finish(*exchange_, std::move(response));
  }
  void start_stream(int status, HeaderList headers) override {
    if (answered_.exchange(true)) return;
    exchange_->stream_status = status;
    app_.finish_headers(*exchange_, status, headers);
    exchange_->channel->begin_stream(status, headers);
  }
  bool write(std::string_view data) override { return exchange_->channel->write(data); }
  void end_stream() override {
    if (ended_.exchange(true)) return;
    exchange_->channel->end();
    app_.record(*exchange_, exchange_->stream_status);
  }
  bool cancelled() const override { return exchange_->channel->cancelled(); }
  void on_cancel(std::function<void()> callback) override { exchange_->channel->on_cancel(std::move(callback)); }

 private:
  App& app_;
  std::shared_ptr<Exchange> exchange_;
  std::atomic<bool> answered_{false};
  std::atomic<bool> ended_{false};
};

void App::handle(HttpRequest request, std::shared_ptr<ReplyChannel> channel) {
  // Everything past this point sees one spelling of the path and the body.
  auto canonical = canonical_request_path(request.path);
  if (canonical) request.path = std::move(*canonical);
  drop_byte_order_mark(request.body);
  auto exchange = std::make_shared<Exchange>(std::move(request), registry_->lease(), std::move(channel));
  logging::ScopedContext log_context(exchange->context.log_context());
  CurrentRequestScope current(exchange->context);
  http_metrics_->started();
  const std::string& request_id = exchange->context.request_id;
  if (!canonical) return finish(*exchange, invalid_path(request_id));

  // Matched first so that an answer from middleware (401, 429, …) is counted under its route.
  auto match = router_.match(exchange->request.method, exchange->request.path);
  if (match.handler || match.async_handler) exchange->route = match.pattern;
  exchange->admin_only =
      needs_admin_token(match.handler || match.async_handler ? match.pattern : std::string_view(exchange->request.path),
                        config_.metrics.require_token);
  if (auto early = before_handler(*exchange)) return finish(*exchange, std::move(*early));
  if (!match.handler && !match.async_handler && !match.allowed_methods.empty()) {
    auto response = error_response(
        405, "METHOD_NOT_ALLOWED",
        "method " + exchange->request.method + " is not allowed on " + exchange->request.path, request_id);
    response.set_header("Allow", match.allowed_methods);
    return finish(*exchange, std::move(response));
  }
  if (!match.handler && !match.async_handler) {
    return finish(*exchange, error_response(404, "NOT_FOUND",
                                            "no route for " + exchange->request.method + " " + exchange->request.path,
                                            request_id));
  }
  exchange->route = match.pattern;
  if (match.async_handler) {
    auto reply = std::make_shared<ExchangeReply>(*this, exchange);
    try {
      (*match.async_handler)(exchange->context, match.params, reply);
    } catch (const std::exception& e) {
      log().error("handler threw", {{"route", std::string(exchange->route)}, {"error", e.what()}});
      reply->send(error_response(500, "INTERNAL_ERROR", "internal error", request_id));
    }
    return;
  }
  if (match.thread == RouteThread::reactor) {
    return finish(*exchange, run_handler(*exchange, *match.handler, match.params));
  }
  const bool queued =
      workers_->try_submit([this, exchange, handler = match.handler, params = std::move(match.params)]() mutable {
        logging::ScopedContext worker_log(exchange->context.log_context());
        CurrentRequestScope worker_current(exchange->context);
        finish(*exchange, run_handler(*exchange, *handler, params));
      });
  if (!queued) {
    http_metrics_->turned_away();
    auto response = error_response(503, "SERVER_BUSY", "all workers are busy; retry shortly", request_id);
    response.set_header("Retry-After", "1");
    finish(*exchange, std::move(response));
  }
}

std::optional<HttpResponse> App::before_handler(Exchange& exchange) {
  const auto& context = exchange.context;
  // Pistache keeps any header block that fits the request cap; a server keeps far less.
  std::size_t header_bytes = exchange.request.path.size() + exchange.request.query.size();
  for (const auto& [name, value] : exchange.request.headers) header_bytes += name.size() + value.size() + 4;
  if (header_bytes > config_.server.max_header_bytes ||
      exchange.request.headers.size() > static_cast<std::size_t>(config_.server.max_headers)) {
    return error_response(431, "HEADERS_TOO_LARGE",
                          "request headers exceed " + std::to_string(config_.server.max_header_bytes) + " bytes or " +
                              std::to_string(config_.server.max_headers) + " fields",
                          context.request_id);
  }
  if (auto refusal = guard_request(exchange.request, config_, *exchange.lease, context.request_id)) return refusal;
  for (const auto& name : config_.middleware) {
    // The admin token is the credential of the routes it guards (checked below, whatever
    // middleware runs): an API key is not asked for as well (/metrics with require_token).
    if (exchange.admin_only && name == "auth") continue;
    if (auto p = exchange.lease->find(name); p && p->middleware) {
      exchange.chain.push_back(p->middleware);
    } else if (name == "auth") {  // fail closed: never serve unauthenticated what should not be
      return error_response(503, "AUTH_UNAVAILABLE", "authentication is configured but its plugin is not loaded",
                            context.request_id);
    }
  }
  for (; exchange.middleware_ran < exchange.chain.size();) {
    auto* middleware = exchange.chain[exchange.middleware_ran++];
    try {
      if (auto reply = middleware->on_request(exchange.info)) return refusal_response(*reply, context.request_id);
    } catch (const std::exception& e) {
      // A failing middleware may be the one that guards the door: fail closed.
      log().error("middleware threw", {{"error", e.what()}});
      return error_response(500, "INTERNAL_ERROR", "internal error", context.request_id);
    }
  }
  if (json_nested_too_deep(exchange.request.body)) {
    return error_response(400, "INVALID_JSON",
                          "the request body is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                          context.request_id);
  }
  if (!exchange.request.body.empty()) {
    for (auto* middleware : exchange.chain) {
      try {
        if (auto reply = middleware->on_body(exchange.info, exchange.request.body))
          return refusal_response(*reply, context.request_id);
      } catch (const std::exception& e) {
        log().error("middleware threw on a body", {{"error", e.what()}});
        return error_response(500, "INTERNAL_ERROR", "internal error", context.request_id);
      }
    }
  }
  // Admin and internal routes always need the admin token, whatever middleware is loaded.
  if (exchange.admin_only) return admin_token_refusal(exchange.request, context.request_id);
  return std::nullopt;
}

std::optional<HttpResponse> App::admin_token_refusal(const HttpRequest& request, std::string_view request_id) const {
  auto authorization = request.header("Authorization");
  if (!authorization || !authorization->starts_with("Bearer ") || authorization->size() == 7) {
    auto response =
        error_response(401, "UNAUTHORIZED", "admin token required (Authorization: Bearer <token>)", request_id);
    response.set_header("WWW-Authenticate", "Bearer");
    return response;
  }
  if (!constant_time_equals(authorization->substr(7), admin_token_)) {
    log().warn("admin token rejected", {{"client_ip", request.client_ip}, {"path", request.path}});
    return error_response(403, "FORBIDDEN", "invalid admin token", request_id);
  }
  return std::nullopt;
}

std::optional<HttpResponse> App::admit_before_body(HttpRequest head, std::optional<std::size_t> declared_length) {
  const std::string request_id = accept_or_generate_request_id(head.header("X-Request-ID"));
  const auto refuse = [&](HttpResponse response) {
    response.set_header("X-Request-ID", request_id);
    http_metrics_->started();
    http_metrics_->finished(head.method, "unmatched", response.status, 0.0, std::nullopt);
    return std::optional(std::move(response));
  };
  auto canonical = canonical_request_path(head.path);
  if (!canonical) return refuse(invalid_path(request_id));
  head.path = std::move(*canonical);
  const auto lease = registry_->lease();
  // Host, Origin: a rebound DNS name or a foreign page gets no body read either.
  if (auto refusal = guard_request(head, config_, *lease, request_id)) return refuse(std::move(*refusal));
  const auto match = router_.match(head.method, head.path);
  const bool matched = match.handler || match.async_handler;
  if (needs_admin_token(matched ? match.pattern : std::string_view(head.path), config_.metrics.require_token)) {
    if (auto refusal = admin_token_refusal(head, request_id)) return refuse(std::move(*refusal));
  }
  const plugin::HttpRequestInfo info{head.method,    head.path, head.query, head.headers, declared_length.value_or(0),
                                     head.client_ip, request_id};
  for (const auto& name : config_.middleware) {
    const auto plugin = lease->find(name);
    // on_headers came with plugin-api 2.1: a plugin built for 2.0 has no such entry.
    if (!plugin || !plugin->middleware || plugin->api_minor < 1) continue;
    try {
      if (auto reply = plugin->middleware->on_headers(info)) return refuse(refusal_response(*reply, request_id));
    } catch (const std::exception& e) {
      log().error("middleware threw on a request head", {{"error", e.what()}});
      return refuse(error_response(500, "INTERNAL_ERROR", "internal error", request_id));
    }
  }
  return std::nullopt;
}

HttpResponse App::run_handler(Exchange& exchange, const RouteHandler& handler, const PathParams& params) {
  try {
    return handler(exchange.context, params);
  } catch (const std::exception& e) {
    log().error("handler threw", {{"route", std::string(exchange.route)}, {"error", e.what()}});
    return error_response(500, "INTERNAL_ERROR", "internal error", exchange.context.request_id);
  }
}

void App::finish_headers(Exchange& exchange, int status, HeaderList& headers) {
  // Middleware sees the response as it saw the request (its principal too), whichever thread
  // finishes it.
  CurrentRequestScope current(exchange.context);
  for (std::size_t i = exchange.middleware_ran; i-- > 0;) {
    try {
      exchange.chain[i]->on_response(exchange.info, status, headers);
    } catch (const std::exception& e) {
      log().error("middleware threw on response", {{"error", e.what()}});
    }
  }
  std::erase_if(headers, [](const auto& header) { return !header_is_safe(header); });
  std::erase_if(headers, [](const auto& header) {
    return plugin::header_name_equals(header.first, "X-Request-ID") ||
           plugin::header_name_equals(header.first, "X-Transaction-GUID");
  });
  headers.emplace_back("X-Request-ID", exchange.context.request_id);
  headers.emplace_back("X-Transaction-GUID", exchange.context.transaction_guid);
  // Which requests a canary served, for whoever watches the rollout from outside.
  if (const auto& canary = exchange.lease->canary)
    headers.emplace_back("X-Switchboard-Canary", canary->name + "/" + canary->version);
}

void App::record(Exchange& exchange, int status) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - exchange.context.started).count();
  std::optional<double> overhead;
  if (!exchange.llm_calls.empty()) {
    double upstream_ms = 0;
    for (const auto& call : exchange.llm_calls) upstream_ms += call.latency_ms;
    overhead = seconds - upstream_ms / 1000.0;
  }
  http_metrics_->finished(exchange.request.method, exchange.route, status, seconds, overhead);
  // A canary is judged on the API's traffic, not on admin calls, health checks and scrapes.
  const auto& path = exchange.request.path;
  if (path.starts_with("/api/") || path.starts_with("/v1/") || path == "/mcp")
    canary_monitor_->record(exchange.lease->canary != nullptr, status, seconds * 1000.0);
  if (log().enabled(LogLevel::debug)) {
    log().log(LogLevel::debug, "request served",
              {{"method", exchange.request.method},
               {"path", exchange.request.path},
               {"status", status},
               {"duration_ms", seconds * 1000.0},
               {"client_ip", exchange.request.client_ip}});
  }
}

void App::finish(Exchange& exchange, HttpResponse response) {
  finish_headers(exchange, response.status, response.headers);
  record(exchange, response.status);
  exchange.channel->respond(std::move(response));
}

}  // namespace switchboard
