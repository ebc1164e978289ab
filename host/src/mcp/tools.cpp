// The tools: each validated against its inputSchema, then run as the API request it stands
// for; a 2xx answer is the tool's structuredContent (and, serialized, its text content),
// anything else a tool error (isError) the model can read and act on.
#include <cctype>
#include <chrono>
#include <functional>
#include <map>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/request_context.hpp>

#include "../analysis/json_schema.hpp"
#include "../api/common.hpp"
#include "../api/workflow_api.hpp"
#include "api_request.hpp"
#include "app_backend.hpp"
#include "tool_definitions.hpp"

namespace switchboard::mcp {
namespace {

using nlohmann::json;

const json* definition(const std::string& name) {
  for (const auto& tool : tool_definitions()) {
    if (tool["name"] == name) return &tool;
  }
  return nullptr;
}

// A story or chat framework by its API name (semantic-kernel) or plugin name (kernel).
const FrameworkStyle& style_of(const json& arguments, const char* fallback) {
  const std::string name = arguments.value("framework", fallback);
  for (const auto& style : kFrameworkStyles) {
    if (name == style.path || name == style.plugin) return style;
  }
  return kFrameworkStyles[1];  // unreachable past the inputSchema's enum
}

// A query value percent-encoded (what the API's query parser decodes).
std::string query_value(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

json tool_error(std::string text) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})}, {"isError", true}};
}

// An API answer as a CallToolResult.
json tool_result(const HttpResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (response.status >= 200 && response.status < 300 && body.is_object()) {
    return {{"content",
             json::array({{{"type", "text"}, {"text", body.dump(-1, ' ', false, json::error_handler_t::replace)}}})},
            {"structuredContent", std::move(body)},
            {"isError", false}};
  }
  std::string text = "HTTP " + std::to_string(response.status);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const json& error = body["error"];
    text = error.value("code", "ERROR") + ": " + error.value("message", "") + " (" + text + ")";
    if (error.contains("details"))
      text += "; details: " + error["details"].dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return tool_error(std::move(text));
}

// Two GETs combined into one answer; the first failure is the answer when either fails.
HttpResponse combined(const HttpResponse& first, const HttpResponse& second,
                      const std::function<json(json, json)>& combine) {
  if (first.status != 200) return first;
  if (second.status != 200) return second;
  return json_response(200, combine(json::parse(first.body), json::parse(second.body)));
}

}  // namespace

ServerInfo switchboard_server_info() {
  return {"switchboard", "Switchboard", SWITCHBOARD_VERSION,
          "Switchboard runs LLM applications: write stories, chat, extract structured data and run workflows "
          "through its frameworks, and read usage and cost. Stored stories are resources "
          "(switchboard://stories/recent, switchboard://stories/{id})."};
}

json AppBackend::tools() { return tool_definitions(); }

HttpResponse AppBackend::request(std::string method, std::string path, std::string query, std::string body) {
  ApiRequest api(message_, std::move(method), std::move(path), std::move(query), std::move(body));
  return api.route(app_);
}

std::optional<json> AppBackend::call_tool(const std::string& name, const json& arguments) {
  const json* tool = definition(name);
  if (!tool) return std::nullopt;
  // Compiled once per tool: the schemas are fixed.
  static const auto schemas = [] {
    std::map<std::string, analysis::JsonSchema> compiled;
    for (const auto& each : tool_definitions()) {
      compiled.emplace(each["name"].get<std::string>(), analysis::JsonSchema::compile(each["inputSchema"]).value());
    }
    return compiled;
  }();
  const auto problems = schemas.at(name).problems(arguments);
  if (!problems.empty()) {
    std::string text = "invalid arguments:";
    for (const auto& problem : problems) text += "\n- " + problem;
    return tool_error(std::move(text));
  }
  const auto started = std::chrono::steady_clock::now();
  const HttpResponse response = run_tool(name, arguments);
  log().info(
      "tool called",
      {{"tool", name},
       {"status", response.status},
       {"duration_ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count()}});
  return tool_result(response);
}

HttpResponse AppBackend::run_tool(const std::string& name, const json& arguments) {
  if (name == "generate_story") {
    const auto& style = style_of(arguments, "");
    return request("POST", std::string("/api/") + style.path, {},
                   json{{"primary_character", arguments["primary_character"]},
                        {"secondary_character", arguments["secondary_character"]}}
                       .dump());
  }
  if (name == "chat") {
    json body = {{"message", arguments["message"]}};
    if (arguments.contains("conversation_id")) body["conversation_id"] = arguments["conversation_id"];
    return request("POST", std::string("/api/chat/") + style_of(arguments, "langchain").path, {}, body.dump());
  }
  if (name == "analyze") return request("POST", "/v1/analyze", {}, arguments.dump());
  if (name == "run_workflow") return run_workflow_tool(arguments);
  if (name == "list_frameworks") {
    return combined(request("GET", "/v1/frameworks"), request("GET", "/api/workflows"),
                    [](json frameworks, json workflows) {
                      frameworks["workflows"] = std::move(workflows["workflows"]);
                      return frameworks;
                    });
  }
  if (name == "list_providers") {
    return combined(request("GET", "/api/provider"), request("GET", "/v1/models"), [](json fallback, json models) {
      json providers = json::array();
      for (const auto& model : models["data"]) {
        const std::string owner = model.value("owned_by", "");
        if (providers.empty() || providers.back()["name"] != owner) {
          providers.push_back({{"name", owner}, {"models", json::array()}});
        }
        providers.back()["models"].push_back(model.value("id", ""));
      }
      return json{{"default", std::move(fallback)}, {"providers", std::move(providers)}};
    });
  }
  // get_usage: the schema allows nothing else.
  std::string query;
  for (const auto& [argument, parameter] :
       {std::pair{"from", "start_date"}, {"to", "end_date"}, {"framework", "framework"}}) {
    if (!arguments.contains(argument)) continue;
    query += (query.empty() ? "" : "&") + std::string(parameter) + "=" + query_value(arguments[argument]);
  }
  return request("GET", "/api/cost/usage", query);
}

HttpResponse AppBackend::run_workflow_tool(const json& arguments) {
  const std::string name = arguments["name"];
  const json body = {{"input", arguments.value("input", json::object())}};
  ApiRequest api(message_, "POST", "/api/workflows/" + name, {}, body.dump());
  CurrentRequestScope scope(api.context());
  auto answer = run_workflow(api.context(), name, body);
  return answer ? json_response(200, *answer) : answer.error();
}

}  // namespace switchboard::mcp
