#include "structured_answer.hpp"

#include <libxml/parser.h>

#include <memory>

#include "model_output.hpp"

namespace switchboard::analysis {
namespace {

// Seed 001's structured response, for callers that bring no schema.
const nlohmann::json& default_schema() {
  static const nlohmann::json schema = {
      {"type", "object"},
      {"required", {"intent", "subject", "entities", "original_language", "confidence"}},
      {"properties",
       {{"intent", {{"type", "string"}}},
        {"subject", {{"type", "string"}}},
        {"entities",
         {{"type", "object"},
          {"required", {"key_details"}},
          {"properties",
           {{"key_details", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"source", {{"type", {"string", "null"}}}},
            {"target", {{"type", {"string", "null"}}}}}}}},
        {"original_language", {{"type", "string"}}},
        {"confidence", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}}}}};
  return schema;
}

std::string instructions(const StructuredRequest& request) {
  if (request.format == "xml") {
    return "Answer with one well-formed XML document and nothing else: no prose, no code fences.";
  }
  const auto& schema = request.schema ? request.schema_json : default_schema();
  return "Answer with one JSON value and nothing else: no prose, no code fences. It must validate against this "
         "JSON Schema:\n" +
         schema.dump();
}

// What is wrong with `text` as an answer; the parsed output when nothing is.
std::pair<nlohmann::json, std::vector<std::string>> check(const StructuredRequest& request, const std::string& text) {
  if (request.format == "xml") {
    const auto first = text.find('<');
    const auto last = text.rfind('>');
    const std::string xml = first == std::string::npos || last == std::string::npos || last < first
                                ? text
                                : text.substr(first, last - first + 1);
    return {{{"xml", xml}}, xml_problems(xml)};
  }
  auto found = extract_json(text);
  if (!found) return {nullptr, {found.error()}};
  static const auto fallback = JsonSchema::compile(default_schema());
  const JsonSchema& schema = request.schema ? *request.schema : *fallback;
  return {*found, schema.problems(*found)};
}

}  // namespace

std::vector<std::string> xml_problems(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return {"no XML in the answer"};
  xmlResetLastError();
  // No network, no entities expanded, no DTD loaded: the text is the model's, not trusted.
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> document(
      xmlReadMemory(text.data(), static_cast<int>(text.size()), "answer.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      &xmlFreeDoc);
  if (!document) {
    const xmlError* error = xmlGetLastError();
    std::string message = error && error->message ? error->message : "not well-formed XML";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    out.push_back("line " + std::to_string(error ? error->line : 0) + ": " + message);
  }
  return out;
}

tl::expected<StructuredAnswer, plugin::LlmError> ask_structured(const StructuredRequest& request,
                                                                const CompleteFn& complete) {
  plugin::ChatRequest call = request.call;
  call.messages = {{"system", instructions(request), ""}, {"user", request.prompt, ""}};
  // Models with structured outputs (OpenAI's response_format) keep to the schema by
  // themselves; the instructions and the repair loop cover those without.
  if (request.format == "json" && call.extra.is_object() && !call.extra.contains("response_format")) {
    call.extra["response_format"] = {
        {"type", "json_schema"},
        {"json_schema",
         {{"name", "structured_answer"}, {"schema", request.schema ? request.schema_json : default_schema()}}}};
  }
  StructuredAnswer answer;
  for (int attempt = 0;; ++attempt) {
    auto result = complete(call);
    if (!result) return tl::unexpected(result.error());
    answer.provider = result->provider;
    answer.model = result->model;
    answer.usage.input_tokens += result->usage.input_tokens;
    answer.usage.output_tokens += result->usage.output_tokens;
    answer.usage.cached_tokens += result->usage.cached_tokens;
    auto [output, problems] = check(request, result->content);
    answer.output = std::move(output);
    answer.problems = std::move(problems);
    answer.repairs = attempt;
    if (answer.problems.empty()) {
      answer.validation_status = "passed";
      return answer;
    }
    if (attempt >= request.max_repairs) {
      answer.validation_status = "failed";
      return answer;
    }
    // Ask again, with what it answered and what is wrong with it.
    std::string why;
    for (const auto& problem : answer.problems) why += "- " + problem + "\n";
    call.messages.push_back({"assistant", result->content, ""});
    call.messages.push_back({"user", "Your answer is not valid:\n" + why + "Answer again, correctly.", ""});
  }
}

}  // namespace switchboard::analysis
