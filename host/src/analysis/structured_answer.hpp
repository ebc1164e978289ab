#pragma once
// Asks a model for a structured answer and keeps asking until it gives one (seed 001's
// analyze): the prompt goes out with instructions for the format — JSON (the caller's JSON
// Schema, or seed 001's structured response: intent, subject, entities, original_language,
// confidence) or XML — and the answer is read back (JSON found in fences or prose; XML
// checked well-formed), validated, and on failure sent back to the model with the problems,
// up to `max_repairs` times. The model is reached through a callable, so this knows nothing of
// providers or routing.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/chat.hpp>
#include <switchboard/plugin/host_services.hpp>

#include "json_schema.hpp"

namespace switchboard::analysis {

struct StructuredRequest {
  std::string prompt;
  std::string format = "json";  // json or xml
  std::optional<JsonSchema> schema;
  nlohmann::json schema_json;  // the schema as the caller wrote it, for the instructions
  plugin::ChatRequest call;    // model, temperature, max_tokens, extra: the rest is filled here
  int max_repairs = 2;
};

struct StructuredAnswer {
  nlohmann::json output;              // JSON: the value; XML: {"xml": "<…>"}
  std::string validation_status;      // passed, or failed when the repairs ran out
  int repairs = 0;                    // how many times the model was asked again
  std::vector<std::string> problems;  // of the last answer, when it failed
  std::string provider;
  std::string model;
  plugin::Usage usage;  // all the calls together
};

using CompleteFn = std::function<tl::expected<plugin::ChatResult, plugin::LlmError>(const plugin::ChatRequest&)>;

// The answer (validation_status "failed" when the repairs ran out), or the LLM's error.
tl::expected<StructuredAnswer, plugin::LlmError> ask_structured(const StructuredRequest& request,
                                                                const CompleteFn& complete);

// Problems of `text` as XML (empty: well-formed), e.g. "line 1: Opening and ending tag mismatch".
std::vector<std::string> xml_problems(const std::string& text);

}  // namespace switchboard::analysis
