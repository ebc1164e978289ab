// Text operations (seed 002): GET /v1/text_processing/operations, POST …/process (one text,
// one operation) and POST …/batch_process (up to 50 of them at once, each on its own: a failed
// one is reported in its place and the others still answer). Structured operations (sentiment,
// key points, questions) ask for JSON against a schema through analysis::ask_structured, so an
// answer that does not validate is repaired; summaries and answers are plain completions. Every
// call goes through the host's LLM client, so budgets, middleware, pricing and the ledger apply.
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/config.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/request_id.hpp>
#include <switchboard/router.hpp>

#include "../analysis/structured_answer.hpp"
#include "../analysis/text_operations.hpp"
#include "../parallel_runner.hpp"
#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxBatchRequests = 50;
constexpr std::size_t kMaxBatchIdCharacters = 100;

std::int64_t ms_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

HttpResponse invalid(const RequestContext& context, const std::string& message, const json& details) {
  return error_response(400, "INVALID_REQUEST", message, context.request_id, details);
}

// The answer to one checked request, or the error response.
tl::expected<json, HttpResponse> run_task(App& app, const RequestContext& context, const analysis::TextTask& task) {
  const auto started = std::chrono::steady_clock::now();
  json answer;
  std::string provider;
  std::string model;
  if (const auto schema_json = analysis::text_task_schema(task)) {
    analysis::StructuredRequest request;
    request.prompt = analysis::text_task_prompt(task);
    request.max_repairs = app.config().analysis.max_repairs;
    auto compiled = analysis::JsonSchema::compile(*schema_json);
    if (!compiled) {  // the operations' own schemas compile (unit-tested); never the caller's fault
      return tl::unexpected(error_response(500, "INTERNAL_ERROR", compiled.error(), context.request_id));
    }
    request.schema = std::move(*compiled);
    request.schema_json = *schema_json;
    auto structured =
        analysis::ask_structured(request, [&app](const plugin::ChatRequest& call) { return app.llm().complete(call); });
    if (!structured) return tl::unexpected(llm_error_response(structured.error(), context));
    if (structured->validation_status != "passed") {
      return tl::unexpected(error_response(
          422, "VALIDATION_FAILED",
          "the model's answer did not validate after " + std::to_string(structured->repairs) + " repairs",
          context.request_id, {{"problems", structured->problems}, {"repairs", structured->repairs}}));
    }
    answer = analysis::text_task_answer(task, structured->output);
    provider = structured->provider;
    model = structured->model;
  } else {
    plugin::ChatRequest call;
    call.messages = {{"system", analysis::text_task_instructions(task), ""},
                     {"user", analysis::text_task_prompt(task), ""}};
    auto result = app.llm().complete(call);
    if (!result) return tl::unexpected(llm_error_response(result.error(), context));
    answer = trimmed(result->content);
    if (answer.get_ref<const std::string&>().empty()) {
      return tl::unexpected(error_response(502, "EMPTY_ANSWER", "the model answered nothing", context.request_id));
    }
    provider = result->provider;
    model = result->model;
  }
  json out = {{"operation", task.operation->id}, {"success", true}};
  out[task.operation->result_field] = std::move(answer);
  out["processing_time_ms"] = ms_since(started);
  out["metadata"] = {{"word_count", analysis::word_count(task.text)}};
  out["provider_used"] = provider;
  out["model"] = model;
  out["request_id"] = context.request_id;
  return out;
}

HttpResponse process(App& app, const RequestContext& context) {
  auto body = json_object_body(context);
  if (!body) return body.error();
  auto task = analysis::parse_text_task(*body);
  if (!task) return invalid(context, "invalid text processing request", task.error());
  context.usage_operation = "text_processing";
  context.usage_framework = "text_processing";
  auto out = run_task(app, context, *task);
  if (!out) return out.error();
  return json_response(200, *out);
}

// The error object of an error response.
json failure_of(const HttpResponse& response) {
  return json::parse(response.body, nullptr, false).value("error", json::object());
}

HttpResponse batch_process(App& app, const RequestContext& context) {
  const auto started = std::chrono::steady_clock::now();
  auto body = json_object_body(context);
  if (!body) return body.error();
  json details = json::array();
  const auto requests = body->find("requests");
  if (requests == body->end() || !requests->is_array() || requests->empty() || requests->size() > kMaxBatchRequests) {
    details.push_back({{"field", "requests"}, {"message", "a list of 1 to 50 text processing requests"}});
  }
  std::string batch_id = new_uuid();
  if (const auto given = body->find("batch_id"); given != body->end() && !given->is_null()) {
    if (!given->is_string() || given->get_ref<const std::string&>().empty() ||
        analysis::code_points(given->get_ref<const std::string&>()) > kMaxBatchIdCharacters) {
      details.push_back({{"field", "batch_id"}, {"message", "text of 1 to 100 characters"}});
    } else {
      batch_id = given->get<std::string>();
    }
  }
  if (!details.empty()) return invalid(context, "invalid batch request", details);

  context.usage_operation = "text_processing";
  context.usage_framework = "text_processing";
  const std::size_t count = requests->size();
  std::vector<json> results(count);
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < count; ++i) {
    results[i] = {{"request_index", i}};
    auto task = analysis::parse_text_task((*requests)[i]);
    if (!task) {
      const auto refused = invalid(context, "invalid text processing request", task.error());
      results[i].update({{"status", "failed"}, {"http_status", refused.status}, {"error", failure_of(refused)}});
      continue;
    }
    // Each task writes only its own slot of `results`.
    tasks.emplace_back([&app, &context, &results, i, task = std::move(*task)] {
      tl::expected<json, HttpResponse> out = tl::unexpected(HttpResponse{});
      try {
        out = run_task(app, context, task);
      } catch (const std::exception& e) {
        // One item's failure is that item's, not the batch's.
        Logger("text_processing").error("batch item threw", {{"request_index", i}, {"error", e.what()}});
        out = tl::unexpected(error_response(500, "INTERNAL_ERROR", "the request failed", context.request_id));
      }
      if (out) {
        results[i].update({{"status", "completed"}, {"response", std::move(*out)}});
      } else {
        results[i].update(
            {{"status", "failed"}, {"http_status", out.error().status}, {"error", failure_of(out.error())}});
      }
    });
  }
  app.parallel().run(tasks, &context);
  std::size_t completed = 0;
  for (const auto& each : results) completed += each["status"] == "completed";
  return json_response(200, {{"batch_id", batch_id},
                             {"total_requests", count},
                             {"completed", completed},
                             {"failed", count - completed},
                             {"results", results},
                             {"total_processing_time_ms", ms_since(started)},
                             {"request_id", context.request_id}});
}

}  // namespace

void add_text_processing_routes(Router& router, App& app) {
  router.add("GET", "/v1/text_processing/operations", [](const RequestContext&, const PathParams&) {
    return json_response(200, {{"operations", analysis::text_operations_json()}});
  });
  router.add(
      "POST", "/v1/text_processing/process",
      [&app](const RequestContext& context, const PathParams&) { return process(app, context); }, RouteThread::worker);
  router.add(
      "POST", "/v1/text_processing/batch_process",
      [&app](const RequestContext& context, const PathParams&) { return batch_process(app, context); },
      RouteThread::worker);
}

}  // namespace switchboard
