// Structured extraction (seed 001): POST /v1/analyze and POST /v1/analyze/batch. The prompt goes to a model with
// instructions for the format (JSON against the caller's JSON Schema or seed 001's structured
// response; or XML), and invalid output is sent back with its problems up to
// `analysis.max_repairs` times (analysis/structured_answer.hpp). Runs on a worker; every call
// goes through the host's LLM client, so budgets, middleware, pricing and the ledger apply.
#include <chrono>
#include <functional>
#include <optional>

#include <switchboard/app.hpp>
#include <switchboard/config.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>

#include "../analysis/structured_answer.hpp"
#include "../cache/response_cache.hpp"
#include "../parallel_runner.hpp"
#include "../provider_call.hpp"
#include "analyze_api.hpp"
#include "common.hpp"
#include "registry_references.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPromptCharacters = 10'000;
constexpr std::size_t kMaxBatchPrompts = 100;

std::size_t code_points(const std::string& text) {
  std::size_t count = 0;
  for (const unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

// What the options ask of the answer and of the cache.
struct AnswerOptions {
  bool include_confidence = true;
  bool language_detection = true;
  bool bypass_cache = false;
  std::optional<std::chrono::seconds> cache_ttl;
};

// The request as seed 001 has it; {field, message} per problem in `details`.
bool valid_prompt(const json& prompt) {
  return prompt.is_string() && !prompt.get_ref<const std::string&>().empty() &&
         code_points(prompt.get_ref<const std::string&>()) <= kMaxPromptCharacters;
}

// `with_prompt` false: a batch, whose prompts are read by the caller.
analysis::StructuredRequest analyze_request(const json& body, const Config& config, AnswerOptions& answer,
                                            json& details, bool with_prompt = true) {
  analysis::StructuredRequest request;
  request.max_repairs = config.analysis.max_repairs;
  if (with_prompt) {
    if (!body.contains("prompt") || !valid_prompt(body["prompt"])) {
      details.push_back({{"field", "prompt"}, {"message", "text of 1 to 10000 characters"}});
    } else {
      request.prompt = body["prompt"].get<std::string>();
    }
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
  if (options.contains("cache_ttl")) {
    const auto& value = options["cache_ttl"];
    if (!value.is_number_integer() || value.get<std::int64_t>() < 60 || value.get<std::int64_t>() > 86'400) {
      details.push_back({{"field", "options.cache_ttl"}, {"message", "seconds from 60 to 86400"}});
    } else {
      answer.cache_ttl = std::chrono::seconds(value.get<std::int64_t>());
    }
  }
  const auto flag = [&](const char* name, bool& out) {
    if (!options.contains(name)) return;
    if (!options[name].is_boolean()) {
      details.push_back({{"field", std::string("options.") + name}, {"message", "true or false"}});
    } else {
      out = options[name].get<bool>();
    }
  };
  flag("bypass_cache", answer.bypass_cache);
  flag("include_confidence", answer.include_confidence);
  flag("language_detection", answer.language_detection);
  return request;
}

void prepare(const RequestContext& context, const AnswerOptions& options) {
  context.usage_operation = "analyze";
  context.usage_framework = "analyze";
  context.cache_bypass = context.cache_bypass || options.bypass_cache;
  context.cache_ttl = options.cache_ttl;
}

// One analysis, answered as POST /v1/analyze answers it.
HttpResponse analyze_one(App& app, const RequestContext& context, const analysis::StructuredRequest& request,
                         const AnswerOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  bool all_cached = true;  // every call answered by the response cache
  auto answer = analysis::ask_structured(request, [&](const plugin::ChatRequest& call) {
    auto result = app.llm().complete(call);
    all_cached = all_cached && ResponseCache::last_call_cached();
    return result;
  });
  if (!answer) return llm_error_response(answer.error(), context);
  const double took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (answer->validation_status != "passed") {
    return error_response(422, "VALIDATION_FAILED",
                          "the model's output did not validate after " + std::to_string(answer->repairs) + " repairs",
                          context.request_id,
                          {{"problems", answer->problems}, {"repairs", answer->repairs}, {"output", answer->output}});
  }
  // Seed 001's structured response: the model's fields, then the host's.
  json out = request.schema ? json{{"result", answer->output}} : answer->output;
  if (!request.schema && request.format == "json") {
    if (!options.include_confidence) out.erase("confidence");
    if (!options.language_detection) out.erase("original_language");
  }
  out["output_format"] = request.format;
  out["validation_status"] = answer->validation_status;
  out["repairs"] = answer->repairs;
  out["processing_time_ms"] = static_cast<std::int64_t>(took_ms);
  out["provider_used"] = answer->provider;
  out["model"] = answer->model;
  out["cached"] = all_cached;
  out["input_tokens"] = answer->usage.input_tokens;
  out["output_tokens"] = answer->usage.output_tokens;
  out["request_id"] = context.request_id;
  return json_response(200, out);
}

// An analyze or batch request, read and checked.
struct Parsed {
  analysis::StructuredRequest request;
  AnswerOptions options;
  std::vector<std::string> prompts;  // a batch's
};

Parsed parse(const json& body, bool batch, const Config& config, json& details) {
  Parsed parsed;
  parsed.request = analyze_request(body, config, parsed.options, details, !batch);
  if (!batch) return parsed;
  const json prompts = body.value("prompts", json());
  if (!prompts.is_array() || prompts.empty() || prompts.size() > kMaxBatchPrompts) {
    details.push_back({{"field", "prompts"}, {"message", "a list of 1 to 100 prompts"}});
    return parsed;
  }
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    if (!valid_prompt(prompts[i])) {
      details.push_back(
          {{"field", "prompts[" + std::to_string(i) + "]"}, {"message", "text of 1 to 10000 characters"}});
    } else {
      parsed.prompts.push_back(prompts[i].get<std::string>());
    }
  }
  return parsed;
}

// 1–100 prompts with one format, schema and options, run at the same time on the request's
// helpers; results in the prompts' order, a failed prompt an error in its place.
HttpResponse run_batch(App& app, const RequestContext& context, const Parsed& parsed) {
  const auto started = std::chrono::steady_clock::now();
  const auto& prompts = parsed.prompts;
  std::vector<HttpResponse> answers(prompts.size());
  std::vector<std::function<void()>> tasks;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    tasks.push_back([&, i] {
      auto one = parsed.request;
      one.prompt = prompts[i];
      answers[i] = analyze_one(app, context, one, parsed.options);
    });
  }
  app.parallel().run(tasks, &context);
  json results = json::array();
  int successful = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    json result = json::parse(answers[i].body, nullptr, false);
    if (!result.is_object()) result = {{"error", {{"code", "INTERNAL_ERROR"}, {"message", "internal error"}}}};
    result["index"] = i;
    result["status"] = answers[i].status == 200 ? "completed" : "failed";
    result.erase("request_id");  // the batch's, once
    successful += answers[i].status == 200;
    results.push_back(std::move(result));
  }
  const auto took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return json_response(200, {{"results", std::move(results)},
                             {"summary",
                              {{"total", prompts.size()},
                               {"successful", successful},
                               {"failed", static_cast<int>(prompts.size()) - successful}}},
                             {"processing_time_ms", static_cast<std::int64_t>(took_ms)},
                             {"request_id", context.request_id}});
}

HttpResponse analyze_route(App& app, const RequestContext& context, bool batch) {
  auto body = json_object_body(context);
  if (!body) return body.error();
  return run_analyze(app, context, *body, batch);
}

}  // namespace

nlohmann::json analyze_problems(const nlohmann::json& body, bool batch, const Config& config) {
  json details = json::array();
  if (!body.is_object()) {
    details.push_back({{"field", "request_params"}, {"message", "an object"}});
  } else {
    parse(body, batch, config, details);
  }
  return details;
}

HttpResponse run_analyze(App& app, const RequestContext& context, const nlohmann::json& body, bool batch) {
  // A stored schema (schema_name) or template the request names becomes its schema or prompt.
  auto resolved = resolve_registry_references(app, context, body);
  if (!resolved) return resolved.error();
  json details = json::array();
  const Parsed parsed = parse(*resolved, batch, app.config(), details);
  if (!details.empty()) {
    return error_response(400, "INVALID_REQUEST", batch ? "invalid batch request" : "invalid analyze request",
                          context.request_id, details);
  }
  prepare(context, parsed.options);
  return batch ? run_batch(app, context, parsed) : analyze_one(app, context, parsed.request, parsed.options);
}

void add_analyze_routes(Router& router, App& app) {
  router.add(
      "POST", "/v1/analyze",
      [&app](const RequestContext& context, const PathParams&) { return analyze_route(app, context, false); },
      RouteThread::worker);
  router.add(
      "POST", "/v1/analyze/batch",
      [&app](const RequestContext& context, const PathParams&) { return analyze_route(app, context, true); },
      RouteThread::worker);
}

}  // namespace switchboard
