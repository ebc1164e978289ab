// Structured extraction (seed 001): POST /v1/analyze. The prompt goes to a model with
// instructions for the format (JSON against the caller's JSON Schema or seed 001's structured
// response; or XML), and invalid output is sent back with its problems up to
// `analysis.max_repairs` times (analysis/structured_answer.hpp). Runs on a worker; every call
// goes through the host's LLM client, so budgets, middleware, pricing and the ledger apply.
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/config.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>

#include "../analysis/structured_answer.hpp"
#include "../provider_call.hpp"
#include "common.hpp"
#include "registry_references.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPromptCharacters = 10'000;

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (const unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

// The request as seed 001 has it; {field, message} per problem in `details`.
analysis::StructuredRequest analyze_request(const json& body, const Config& config, json& details) {
  analysis::StructuredRequest request;
  request.max_repairs = config.analysis.max_repairs;
  const auto prompt = body.find("prompt");
  if (prompt == body.end() || !prompt->is_string() || prompt->get<std::string>().empty() ||
      code_points(prompt->get<std::string>()) > kMaxPromptCharacters) {
    details.push_back({{"field", "prompt"}, {"message", "text of 1 to 10000 characters"}});
  } else {
    request.prompt = prompt->get<std::string>();
  }
  request.format = body.value("format", json("json")).is_string() ? body.value("format", "json") : "";
  if (request.format != "json" && request.format != "xml") {
    details.push_back({{"field", "format"}, {"message", "json or xml"}});
  }
  if (body.contains("schema") && !body["schema"].is_null()) {
    auto schema = analysis::JsonSchema::compile(body["schema"]);
    if (!schema) {
      details.push_back({{"field", "schema"}, {"message", schema.error()}});
    } else {
      request.schema = std::move(*schema);
      request.schema_json = body["schema"];
    }
  }
  const json options = body.value("options", json::object());
  if (!options.is_object()) {
    details.push_back({{"field", "options"}, {"message", "an object"}});
    return request;
  }
  if (options.contains("provider")) {
    const auto& provider = options["provider"];
    if (!provider.is_string() || !find_instance(config, provider.get<std::string>())) {
      details.push_back({{"field", "options.provider"}, {"message", "a configured provider instance"}});
    } else {
      request.call.extra["provider"] = provider;
    }
  }
  if (options.contains("temperature")) {
    const auto& value = options["temperature"];
    if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 2) {
      details.push_back({{"field", "options.temperature"}, {"message", "a number from 0 to 2"}});
    } else {
      request.call.temperature = value.get<double>();
    }
  }
  if (options.contains("max_tokens")) {
    const auto& value = options["max_tokens"];
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > 100'000) {
      details.push_back({{"field", "options.max_tokens"}, {"message", "a whole number from 1 to 100000"}});
    } else {
      request.call.max_tokens = static_cast<int>(value.get<std::int64_t>());
    }
  }
  return request;
}

HttpResponse analyze(App& app, const RequestContext& context) {
  const auto started = std::chrono::steady_clock::now();
  auto body = json_object_body(context);
  if (!body) return body.error();
  // A stored schema (schema_name) or template the request names becomes its schema or prompt.
  auto resolved = resolve_registry_references(app, context, std::move(*body));
  if (!resolved) return resolved.error();
  json details = json::array();
  auto request = analyze_request(*resolved, app.config(), details);
  if (!details.empty()) {
    return error_response(400, "INVALID_REQUEST", "invalid analyze request", context.request_id, details);
  }
  context.usage_operation = "analyze";
  context.usage_framework = "analyze";
  auto answer =
      analysis::ask_structured(request, [&app](const plugin::ChatRequest& call) { return app.llm().complete(call); });
  if (!answer) {
    const auto& error = answer.error();
    return refusal_response({error.http_status >= 400 && error.http_status <= 599 ? error.http_status : 502,
                             error.code,
                             error.message,
                             {},
                             error.details.is_object() ? error.details : json::object()},
                            context.request_id);
  }
  const double took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (answer->validation_status != "passed") {
    return error_response(422, "VALIDATION_FAILED",
                          "the model's output did not validate after " + std::to_string(answer->repairs) + " repairs",
                          context.request_id,
                          {{"problems", answer->problems}, {"repairs", answer->repairs}, {"output", answer->output}});
  }
  // Seed 001's structured response: the model's fields, then the host's.
  json out = request.schema ? json{{"result", answer->output}} : answer->output;
  out["output_format"] = request.format;
  out["validation_status"] = answer->validation_status;
  out["repairs"] = answer->repairs;
  out["processing_time_ms"] = static_cast<std::int64_t>(took_ms);
  out["provider_used"] = answer->provider;
  out["model"] = answer->model;
  out["cached"] = false;
  out["input_tokens"] = answer->usage.input_tokens;
  out["output_tokens"] = answer->usage.output_tokens;
  out["request_id"] = context.request_id;
  return json_response(200, out);
}

}  // namespace

void add_analyze_routes(Router& router, App& app) {
  router.add(
      "POST", "/v1/analyze", [&app](const RequestContext& context, const PathParams&) { return analyze(app, context); },
      RouteThread::worker);
}

}  // namespace switchboard
