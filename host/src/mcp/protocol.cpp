#include "protocol.hpp"

#include <array>

namespace switchboard::mcp {
namespace {

using nlohmann::json;

// Parsing is iterative, but copying and dumping a value recurse once per level: a line of a
// few hundred thousand brackets would overflow the stack where a reply echoes it.
constexpr int kMaxDepth = 64;

constexpr std::array<std::string_view, 3> kVersions = {kLatestProtocolVersion, "2025-03-26", "2024-11-05"};

// MCP request ids are strings or integers (never null, unlike plain JSON-RPC).
bool valid_id(const json& id) { return id.is_string() || id.is_number_integer(); }

json initialize_result(const Message& message, const ServerInfo& server) {
  const std::string asked = message.params.value("protocolVersion", "");
  json result = {{"protocolVersion", supported_protocol_version(asked) ? asked : std::string(kLatestProtocolVersion)},
                 {"capabilities",
                  {{"tools", {{"listChanged", false}}}, {"resources", {{"subscribe", false}, {"listChanged", false}}}}},
                 {"serverInfo", {{"name", server.name}, {"title", server.title}, {"version", server.version}}}};
  if (!server.instructions.empty()) result["instructions"] = server.instructions;
  return result;
}

// Params are optional for these methods, but when present they are an object.
bool params_ok(const Message& message) { return message.params.is_null() || message.params.is_object(); }

std::optional<json> string_param(const Message& message, const char* name) {
  if (!message.params.is_object() || !message.params.contains(name) || !message.params[name].is_string()) {
    return std::nullopt;
  }
  return message.params[name];
}

json answer(const Message& message, const ServerInfo& server, Backend& backend) {
  const json& id = message.id;
  const std::string& method = message.method;
  if (!params_ok(message)) return error_reply(id, kInvalidParams, "params must be an object");
  if (method == "initialize") {
    if (!string_param(message, "protocolVersion")) {
      return error_reply(id, kInvalidParams, "initialize needs params.protocolVersion (text)");
    }
    return result_reply(id, initialize_result(message, server));
  }
  if (method == "ping") return result_reply(id, json::object());
  if (method == "tools/list") return result_reply(id, {{"tools", backend.tools()}});
  if (method == "tools/call") {
    const auto name = string_param(message, "name");
    if (!name) return error_reply(id, kInvalidParams, "tools/call needs params.name (text)");
    json arguments = message.params.value("arguments", json::object());
    if (arguments.is_null()) arguments = json::object();
    if (!arguments.is_object()) return error_reply(id, kInvalidParams, "params.arguments must be an object");
    auto result = backend.call_tool(name->get<std::string>(), arguments);
    if (!result) return error_reply(id, kInvalidParams, "unknown tool: " + name->get<std::string>());
    return result_reply(id, std::move(*result));
  }
  if (method == "resources/list") return result_reply(id, {{"resources", backend.resources()}});
  if (method == "resources/templates/list") {
    return result_reply(id, {{"resourceTemplates", backend.resource_templates()}});
  }
  if (method == "resources/read") {
    const auto uri = string_param(message, "uri");
    if (!uri) return error_reply(id, kInvalidParams, "resources/read needs params.uri (text)");
    auto contents = backend.read_resource(uri->get<std::string>());
    if (!contents) {
      json reply = error_reply(id, kResourceNotFound, "resource not found");
      reply["error"]["data"] = {{"uri", *uri}};
      return reply;
    }
    return result_reply(id, {{"contents", std::move(*contents)}});
  }
  return error_reply(id, kMethodNotFound, "method not found: " + method);
}

}  // namespace

bool supported_protocol_version(std::string_view version) {
  for (auto known : kVersions) {
    if (version == known) return true;
  }
  return false;
}

json result_reply(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json error_reply(const json& id, int code, std::string_view message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

Message parse_message(std::string_view text) {
  Message message;
  bool too_deep = false;
  json parsed = json::parse(
      text,
      [&too_deep](int depth, json::parse_event_t, json&) {
        if (depth > kMaxDepth) too_deep = true;
        return !too_deep;
      },
      /*allow_exceptions=*/false);
  if (too_deep) {
    message.error_reply =
        error_reply(nullptr, kParseError, "parse error: nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return message;
  }
  if (parsed.is_discarded()) {
    message.error_reply = error_reply(nullptr, kParseError, "parse error: not well-formed JSON");
    return message;
  }
  if (!parsed.is_object()) {
    message.error_reply = error_reply(
        nullptr, kInvalidRequest, parsed.is_array() ? "invalid request: batches are not supported" : "invalid request");
    return message;
  }
  const bool has_id = parsed.contains("id");
  if (has_id && valid_id(parsed["id"])) message.id = parsed["id"];
  auto invalid = [&message](std::string_view why) {
    message.error_reply = error_reply(message.id, kInvalidRequest, "invalid request: " + std::string(why));
    return message;
  };
  if (parsed.value("jsonrpc", json()) != "2.0") return invalid("jsonrpc must be \"2.0\"");
  if (has_id && !valid_id(parsed["id"])) return invalid("id must be a string or an integer");
  if (!parsed.contains("method")) {
    // A response to something this server asked: it asks nothing, so it is only accepted.
    if (has_id && (parsed.contains("result") || parsed.contains("error"))) {
      message.kind = Message::Kind::response;
      return message;
    }
    return invalid("method is missing");
  }
  if (!parsed["method"].is_string()) return invalid("method must be text");
  message.method = parsed["method"].get<std::string>();
  message.params = parsed.value("params", json());
  message.kind = has_id ? Message::Kind::request : Message::Kind::notification;
  return message;
}

std::optional<json> dispatch(const Message& message, const ServerInfo& server, Backend& backend) {
  if (message.kind == Message::Kind::invalid) return message.error_reply;
  if (message.kind != Message::Kind::request) return std::nullopt;  // notifications need no answer
  try {
    return answer(message, server, backend);
  } catch (const std::exception&) {
    // The backend logs what went wrong; the client learns no more than that it did.
    return error_reply(message.id, kInternalError, "internal error");
  }
}

}  // namespace switchboard::mcp
