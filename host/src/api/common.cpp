#include "common.hpp"

#include <re2/re2.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin/middleware.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/reply.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/worker_pool.hpp>

namespace switchboard {

HttpResponse no_store(const RequestContext& context) {
  return error_response(503, "STORAGE_UNAVAILABLE", "no store is configured", context.request_id);
}

HttpResponse llm_error_response(const plugin::LlmError& error, const RequestContext& context) {
  return refusal_response({error.http_status >= 400 && error.http_status <= 599 ? error.http_status : 502,
                           error.code,
                           error.message,
                           {},
                           error.details.is_object() ? error.details : nlohmann::json::object()},
                          context.request_id);
}

std::optional<std::int64_t> path_id(const std::string& text) {
  static const RE2 digits(R"(\d{1,18})");
  if (!RE2::FullMatch(text, digits)) return std::nullopt;
  return std::stoll(text);
}

int int_param(const RequestContext& context, const char* name, int fallback, int min, int max,
              nlohmann::json& details) {
  auto text = context.request.query_param(name);
  if (!text) return fallback;
  static const RE2 digits(R"(\d{1,9})");
  if (!RE2::FullMatch(*text, digits) || std::stoi(*text) < min || std::stoi(*text) > max) {
    details.push_back(
        {{"field", name},
         {"message", "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max)}});
    return fallback;
  }
  return std::stoi(*text);
}

CallTotals call_totals(const RequestContext& context) {
  CallTotals totals;
  if (!context.llm_calls) return totals;
  for (const auto& call : *context.llm_calls) {
    totals.input_tokens += call.usage.input_tokens;
    totals.output_tokens += call.usage.output_tokens;
    totals.cost_nanousd += call.cost_nano_usd;
    totals.provider = call.provider;
    totals.model = call.model;
  }
  return totals;
}

tl::expected<plugin::TaskResult, HttpResponse> run_framework_task(const RequestContext& context,
                                                                  const std::string& name, const std::string& task,
                                                                  nlohmann::json input) {
  auto framework = context.plugins->find(name);
  if (!framework || !framework->framework) {
    return tl::unexpected(error_response(503, "FRAMEWORK_UNAVAILABLE",
                                         "the \"" + name + "\" framework plugin is not loaded", context.request_id));
  }
  context.usage_operation = task;
  context.usage_framework = name;
  tl::expected<plugin::TaskResult, plugin::TaskError> result;
  try {
    result = framework->framework->run({task, std::move(input), context.request_id, context.transaction_guid});
  } catch (const std::exception& e) {
    Logger("frameworks").error("framework threw", {{"framework", name}, {"task", task}, {"error", e.what()}});
    return tl::unexpected(
        error_response(500, "INTERNAL_ERROR", "framework \"" + name + "\" failed", context.request_id));
  }
  if (!result) {
    const auto& error = result.error();
    const int status = error.http_status >= 400 && error.http_status <= 599 ? error.http_status : 500;
    return tl::unexpected(refusal_response({status,
                                            error.code.empty() ? "TASK_FAILED" : error.code,
                                            error.message,
                                            {},
                                            error.details.is_object() ? error.details : nlohmann::json::object()},
                                           context.request_id));
  }
  return std::move(*result);
}

nlohmann::json task_totals_json(const RequestContext& context, const plugin::TaskResult& result,
                                std::chrono::steady_clock::time_point started) {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : result.steps) {
    steps.push_back({{"name", step.name},
                     {"model", step.model},
                     {"provider", step.provider},
                     {"input_tokens", step.usage.input_tokens},
                     {"output_tokens", step.usage.output_tokens},
                     {"duration_ms", step.duration_ms}});
  }
  const auto totals = call_totals(context);
  return {{"steps", steps},
          {"input_tokens", totals.input_tokens},
          {"output_tokens", totals.output_tokens},
          {"total_tokens", totals.input_tokens + totals.output_tokens},
          {"estimated_cost_usd", usd(totals.cost_nanousd)},
          {"generation_time_ms",
           std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()},
          {"request_id", context.request_id},
          {"transaction_guid", context.transaction_guid}};
}

void run_on_worker(App& app, const RequestContext& context, const std::shared_ptr<Reply>& reply,
                   std::function<void()> job) {
  auto scoped = [&context, job = std::move(job)] {
    logging::ScopedContext log_scope(context.log_context());
    CurrentRequestScope request_scope(context);
    job();
  };
  if (!app.workers().try_submit(std::move(scoped))) {
    auto busy = error_response(503, "SERVER_BUSY", "all workers are busy; retry shortly", context.request_id);
    busy.set_header("Retry-After", "1");
    reply->send(std::move(busy));
  }
}

void start_event_stream(Reply& reply) {
  reply.start_stream(
      200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}});
}

bool send_event(Reply& reply, std::string_view event, const nlohmann::json& data) {
  return reply.write("event: " + std::string(event) +
                     "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n");
}

void end_event_stream(Reply& reply) {
  reply.write("data: [DONE]\n\n");
  reply.end_stream();
}

nlohmann::json error_event(const HttpResponse& error) {
  auto body = nlohmann::json::parse(error.body, nullptr, false);
  if (!body.is_object()) body = nlohmann::json::object();
  body["status"] = error.status;
  return body;
}

}  // namespace switchboard
