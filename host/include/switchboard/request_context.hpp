#pragma once
// What a handler knows about the request it serves.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <switchboard/http_types.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin/host_services.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/trace_context.hpp>

namespace switchboard {

// One priced LLM call made while serving a request.
struct LlmCallRecord {
  std::string provider;
  std::string model;
  plugin::Usage usage;
  std::int64_t cost_nano_usd = 0;
  double latency_ms = 0.0;
};

struct RequestContext {
  const HttpRequest& request;
  std::string request_id;
  std::string transaction_guid;
  const SnapshotLease& plugins;  // the registry as it was when the request started
  std::chrono::steady_clock::time_point started;
  std::vector<LlmCallRecord>* llm_calls = nullptr;  // filled by the host's LLM client
  // What the usage ledger records this request's LLM calls as. A route sets them (framework
  // tasks: the task and the framework) before it calls anything; mutable for that reason.
  mutable std::string usage_operation = "request";
  mutable std::string usage_framework;
  // Where a task's progress events go (HostServices::emit_event); unset: nowhere. A route that
  // streams them sets it before it runs the task.
  mutable std::function<void(const nlohmann::json&)> on_event;
  // Who the request acts for, when an authenticating middleware found out (set_principal).
  mutable std::optional<plugin::Principal> principal;
  // What the middleware saw of the request, and the middleware it passed, in order: each LLM
  // call made for it passes their `on_llm_call` (LlmCallGate).
  const plugin::HttpRequestInfo* info = nullptr;
  const std::vector<plugin::Middleware*>* middleware = nullptr;
  // The response cache for this request's LLM calls: skipped when the client asked for
  // fresh answers (Cache-Control: no-cache or no-store, or a route's `bypass_cache` option);
  // answers it keeps live `cache_ttl` (unset: cache.ttl_seconds).
  mutable bool cache_bypass = false;
  mutable std::optional<std::chrono::seconds> cache_ttl;
  // W3C trace context: accepted from the client or started here; logged and sent upstream.
  TraceContext trace = {};
  // The log context of this request (request id, transaction GUID, trace id).
  logging::Context log_context() const { return {request_id, transaction_guid, trace.trace_id}; }
  // Where the text of the request's LLM calls goes as it arrives; unset: nowhere. A route
  // that streams its answer (chat with "stream": true) sets it: the host's LLM client then
  // streams the calls a framework makes whole, piece by piece.
  mutable std::function<void(std::string_view)> on_answer_text = {};
  // Whose objects the request stores and sees when it runs for a stored owner (a job runs as
  // the owner that submitted it); unset: the principal's (owner_of, owner.hpp).
  std::optional<std::string> owner = {};
};

// The request the current thread serves (null outside one): how the LLM client, called
// from inside a plugin, finds the request's snapshot and where to record its calls.
const RequestContext* current_request();
class CurrentRequestScope {
 public:
  explicit CurrentRequestScope(const RequestContext& context);
  ~CurrentRequestScope();
  CurrentRequestScope(const CurrentRequestScope&) = delete;
  CurrentRequestScope& operator=(const CurrentRequestScope&) = delete;

 private:
  const RequestContext* previous_;
};

}  // namespace switchboard
