#include "workflow_step.hpp"

#include <chrono>

#include <switchboard/sdk/prompt_template.hpp>

namespace workflow {
namespace {

using nlohmann::json;
using switchboard::plugin::TaskError;

// The model's text as JSON; a ```json fence around it is allowed.
json parse_json_text(std::string text) {
  const auto open = text.find("```");
  if (open != std::string::npos) {
    const auto line_end = text.find('\n', open);
    const auto close = text.rfind("```");
    if (line_end != std::string::npos && close > line_end) text = text.substr(line_end + 1, close - line_end - 1);
  }
  return json::parse(text, nullptr, false);
}

}  // namespace

tl::expected<StepOutput, TaskError> run_step(const WorkflowSpec& spec, const StepSpec& step, const json& state,
                                             const StepCall& call) {
  switchboard::plugin::ChatRequest request;
  request.model = step.model;
  request.temperature = step.temperature;
  request.max_tokens = step.max_tokens;
  request.request_id = call.request_id;
  request.transaction_guid = call.transaction_guid;
  if (!step.provider.empty()) request.extra["provider"] = step.provider;
  if (step.timeout_seconds > 0) request.extra["timeout_ms"] = step.timeout_seconds * 1000;
  // The system prompt is used as written (it often shows JSON); the user prompt is the template.
  if (!step.system.empty()) request.messages.push_back({"system", step.system, ""});
  auto rendered = switchboard::sdk::render_fstring_template(step.user, state);
  if (!rendered) {
    return tl::unexpected(TaskError{"VALIDATION_ERROR", "step \"" + step.name + "\": " + rendered.error(), 422});
  }
  request.messages.push_back({"user", *rendered, ""});

  const auto started = std::chrono::steady_clock::now();
  auto answer = call.llm.complete(request);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!answer) {
    const auto& error = answer.error();
    if (error.code == "TIMEOUT") {  // the seed's words for a phase that ran out of time
      return tl::unexpected(TaskError{
          "TIMEOUT",
          "Operation timed out during " + step.name + " phase after " + std::to_string(step.timeout_seconds) + "s",
          504});
    }
    return tl::unexpected(
        TaskError{error.code, "step \"" + step.name + "\": " + error.message, error.http_status, error.details});
  }

  StepOutput out;
  out.record = {step.name, answer->model, answer->provider, answer->usage, ms};
  json warnings = json::array();
  if (step.output.format == "json") {
    json parsed = parse_json_text(answer->content);
    std::optional<std::string> problem;
    if (parsed.is_discarded()) {
      problem = "the output is not JSON";
    } else if (spec.validation_enabled) {
      problem = schema_violation(parsed, step.output.schema);
    }
    if (problem && spec.validation_enabled && spec.strict_validation) {
      return tl::unexpected(
          TaskError{"VALIDATION_FAILED", "step \"" + step.name + "\" failed validation: " + *problem, 502});
    }
    if (problem) warnings.push_back("step \"" + step.name + "\": " + *problem);
    out.value = parsed.is_discarded() ? json(answer->content) : std::move(parsed);
  } else {
    out.value = answer->content;
    if (spec.validation_enabled && answer->content.empty()) {
      if (spec.strict_validation) {
        return tl::unexpected(TaskError{"VALIDATION_FAILED", "step \"" + step.name + "\" answered nothing", 502});
      }
      warnings.push_back("step \"" + step.name + "\": empty output");
    }
  }
  out.metadata = {{"step", step.name},
                  {"model", answer->model},
                  {"provider", answer->provider},
                  {"input_tokens", answer->usage.input_tokens},
                  {"output_tokens", answer->usage.output_tokens},
                  {"duration_ms", ms},
                  {"warnings", warnings}};
  return out;
}

}  // namespace workflow
