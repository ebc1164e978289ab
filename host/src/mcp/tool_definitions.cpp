#include "tool_definitions.hpp"

namespace switchboard::mcp {
namespace {

using nlohmann::json;

json text(const char* description, int max_length = 0) {
  json schema = {{"type", "string"}, {"description", description}, {"minLength", 1}};
  if (max_length > 0) schema["maxLength"] = max_length;
  return schema;
}

json object(json properties, json required, bool closed = true) {
  json schema = {{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
  if (closed) schema["additionalProperties"] = false;
  return schema;
}

const json kFrameworks = {"semantic-kernel", "langchain", "langgraph"};

json framework(const char* description) {
  return {{"type", "string"}, {"enum", kFrameworks}, {"description", description}};
}

// What every content answer reports about the LLM calls behind it.
json with_usage(json properties) {
  properties["provider"] = {{"type", "string"}};
  properties["model"] = {{"type", "string"}};
  properties["input_tokens"] = {{"type", "integer"}};
  properties["output_tokens"] = {{"type", "integer"}};
  properties["total_tokens"] = {{"type", "integer"}};
  properties["estimated_cost_usd"] = {{"type", "number"}};
  return properties;
}

json tool(const char* name, const char* title, const char* description, json input, json output, bool read_only) {
  return {{"name", name},
          {"title", title},
          {"description", description},
          {"inputSchema", std::move(input)},
          {"outputSchema", std::move(output)},
          {"annotations", {{"readOnlyHint", read_only}, {"openWorldHint", !read_only}}}};
}

json build() {
  const json date = {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}};
  json tools = json::array();
  tools.push_back(
      tool("generate_story", "Write a story",
           "Writes a short story about two characters through one framework (semantic-kernel, langchain or langgraph) "
           "and stores it; the story is then a resource (switchboard://stories/{id}).",
           object({{"framework", framework("The framework that writes it")},
                   {"primary_character", text("The main character", 100)},
                   {"secondary_character", text("The second character", 100)}},
                  {"framework", "primary_character", "secondary_character"}),
           object(with_usage({{"id", {{"type", "integer"}}},
                              {"story", {{"type", "string"}}},
                              {"primary_character", {{"type", "string"}}},
                              {"secondary_character", {{"type", "string"}}},
                              {"method", {{"type", "string"}}},
                              {"generation_time_ms", {{"type", "number"}}},
                              {"steps", {{"type", "array"}}}}),
                  {"id", "story", "method", "total_tokens"}, false),
           false));
  tools.push_back(tool(
      "chat", "Chat",
      "Sends a message to a conversation and answers the reply. Without conversation_id a new conversation starts; "
      "its id comes back to continue it.",
      object({{"message", text("The user's message", 32768)},
              {"conversation_id", {{"type", "integer"}, {"minimum", 1}, {"description", "A conversation to continue"}}},
              {"framework", framework("The framework that answers (default langchain)")}},
             {"message"}),
      object(with_usage({{"response", {{"type", "string"}}},
                         {"conversation_id", {{"type", "integer"}}},
                         {"message_id", {{"type", "integer"}}},
                         {"method", {{"type", "string"}}}}),
             {"response", "conversation_id", "message_id"}, false),
      false));
  tools.push_back(tool(
      "analyze", "Extract structured data",
      "Extracts structured data from a prompt as JSON or XML, validated against a JSON Schema (draft 7) when one is "
      "given, else against the default shape (intent, subject, entities, original_language, confidence).",
      object({{"prompt", text("The text to analyze", 10000)},
              {"format", {{"type", "string"}, {"enum", {"json", "xml"}}}},
              {"schema", {{"type", "object"}, {"description", "A JSON Schema the result must fit"}}}},
             {"prompt", "format"}),
      object({{"output_format", {{"type", "string"}}},
              {"validation_status", {{"type", "string"}}},
              {"repairs", {{"type", "integer"}}},
              {"result", {{"description", "The extracted data, when a schema was given"}}},
              {"xml", {{"type", "string"}}},
              {"provider_used", {{"type", "string"}}},
              {"model", {{"type", "string"}}}},
             {"output_format", "validation_status"}, false),
      false));
  tools.push_back(
      tool("run_workflow", "Run a workflow",
           "Runs a declarative workflow (list_frameworks lists them with their inputs) and answers its output, final "
           "state and each step's events.",
           object({{"name", text("The workflow's name", 255)},
                   {"input", {{"type", "object"}, {"description", "The workflow's inputs"}}}},
                  {"name"}),
           object(with_usage({{"workflow", {{"type", "string"}}},
                              {"framework", {{"type", "string"}}},
                              {"run_id", {{"type", "string"}}},
                              {"output", {{"type", "string"}}},
                              {"state", {{"type", "object"}}},
                              {"events", {{"type", "array"}}}}),
                  {"workflow", "output", "state"}, false),
           false));
  tools.push_back(tool("list_frameworks", "List frameworks",
                       "Lists the loaded framework plugins with their tasks, and the workflows they run.",
                       object(json::object(), json::array()),
                       object({{"frameworks", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                               {"workflows", {{"type", "array"}, {"items", {{"type", "object"}}}}}},
                              {"frameworks", "workflows"}, false),
                       true));
  tools.push_back(
      tool("list_providers", "List providers",
           "Lists the provider instances with their models ('<instance>/<model>') and the default provider.",
           object(json::object(), json::array()),
           object({{"default", object({{"provider", {{"type", "string"}}},
                                       {"model", {{"type", "string"}}},
                                       {"configured", {{"type", "boolean"}}}},
                                      {"provider", "model", "configured"}, false)},
                   {"providers",
                    {{"type", "array"},
                     {"items", object({{"name", {{"type", "string"}}},
                                       {"models", {{"type", "array"}, {"items", {{"type", "string"}}}}}},
                                      {"name", "models"}, false)}}}},
                  {"default", "providers"}, false),
           true));
  tools.push_back(tool(
      "get_usage", "Usage and cost",
      "Token usage and cost from the usage ledger over UTC days (default: the last 7 days and today), in total, by "
      "framework and by day; as GET /api/cost/usage.",
      object({{"from", date}, {"to", date}, {"framework", {{"type", "string"}, {"maxLength", 100}}}}, json::array()),
      object({{"summary", object({{"total_requests", {{"type", "integer"}}},
                                  {"total_tokens", {{"type", "integer"}}},
                                  {"total_cost_usd", {{"type", "number"}}},
                                  {"average_cost_per_request", {{"type", "number"}}},
                                  {"date_range", {{"type", "object"}}}},
                                 {"total_requests", "total_tokens", "total_cost_usd"}, false)},
              {"by_framework", {{"type", "object"}}},
              {"by_day", {{"type", "array"}}}},
             {"summary", "by_framework", "by_day"}, false),
      true));
  return tools;
}

}  // namespace

const json& tool_definitions() {
  static const json tools = build();
  return tools;
}

}  // namespace switchboard::mcp
