#pragma once
// What API handlers share: money as dollars, the store-missing answer, query and path
// parameter checks; for the content APIs (stories, chat), the three framework styles of
// seed 000 and the totals of a request's LLM calls.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/http_types.hpp>
#include <switchboard/plugin/framework.hpp>
#include <switchboard/plugin/host_services.hpp>

namespace switchboard {

class App;
class Reply;
struct RequestContext;
struct LoadedPlugin;

// A framework style: the path segment of its routes, its plugin, and its name in answers.
struct FrameworkStyle {
  const char* path;    // semantic-kernel, langchain, langgraph
  const char* plugin;  // kernel, chain, graph
  const char* method;  // semantic_kernel, langchain, langgraph
};
inline constexpr FrameworkStyle kFrameworkStyles[] = {{"semantic-kernel", "kernel", "semantic_kernel"},
                                                      {"langchain", "chain", "langchain"},
                                                      {"langgraph", "graph", "langgraph"}};

// Nano-dollars as dollars.
inline double usd(std::int64_t nanousd) { return static_cast<double>(nanousd) / 1e9; }

// 503 STORAGE_UNAVAILABLE.
HttpResponse no_store(const RequestContext& context);

// An LLM call's error as the client sees it: its status (502 when it is not an HTTP error
// status), code and message, and its details as more fields of the error object.
HttpResponse llm_error_response(const plugin::LlmError& error, const RequestContext& context);

// A record id from a path segment (1 to 18 digits), or nothing.
std::optional<std::int64_t> path_id(const std::string& text);

// A whole-number query parameter in [min, max]; `fallback` when absent; when bad, a
// {field, message} is pushed onto `details` and `fallback` returned.
int int_param(const RequestContext& context, const char* name, int fallback, int min, int max, nlohmann::json& details);

// The LLM calls the request made so far, summed; provider and model of the last.
struct CallTotals {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cost_nanousd = 0;
  std::string provider;
  std::string model;
};
CallTotals call_totals(const RequestContext& context);

// Runs `task` on the framework plugin `name` as part of the request, its LLM calls recorded
// in the ledger as `task` under `name`. A missing plugin (503 FRAMEWORK_UNAVAILABLE),
// an exception (500) or the task's own error become the JSON error answer.
tl::expected<plugin::TaskResult, HttpResponse> run_framework_task(const RequestContext& context,
                                                                  const std::string& name, const std::string& task,
                                                                  nlohmann::json input);

// What every task answer reports: its steps, the request's tokens and cost so far, the time
// since `started`, and the request's ids.
nlohmann::json task_totals_json(const RequestContext& context, const plugin::TaskResult& result,
                                std::chrono::steady_clock::time_point started);

// For an asynchronous route: runs `job` on the worker pool, the request's log context and
// plugin snapshot in scope; with every worker busy, answers 503 SERVER_BUSY (Retry-After: 1).
// The reply owns the request (and so `context`) until it is answered.
void run_on_worker(App& app, const RequestContext& context, const std::shared_ptr<Reply>& reply,
                   std::function<void()> job);

// Server-sent events: start_event_stream sends the headers, send_event one `event:` with its
// JSON `data:`, end_event_stream `data: [DONE]` and the end. send_event is false once the
// client has gone.
void start_event_stream(Reply& reply);
bool send_event(Reply& reply, std::string_view event, const nlohmann::json& data);
void end_event_stream(Reply& reply);
// An error answer as a stream's `error` event: its JSON body, with its status added.
nlohmann::json error_event(const HttpResponse& error);

}  // namespace switchboard
