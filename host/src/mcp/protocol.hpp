#pragma once
// MCP (Model Context Protocol, revision 2025-06-18) as JSON-RPC 2.0 messages, independent of
// any transport: a message's text in, the reply to send (if any) out. The transports (stdio,
// Streamable HTTP) and what tools and resources do live elsewhere, behind `Backend`.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace switchboard::mcp {

inline constexpr std::string_view kLatestProtocolVersion = "2025-06-18";
// Versions this server speaks; a client asking for another is answered with the latest.
bool supported_protocol_version(std::string_view version);

// JSON-RPC 2.0 error codes, and MCP's code for an unknown resource.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kResourceNotFound = -32002,
};

// One incoming message, classified. `invalid` carries the error response to send back.
struct Message {
  enum class Kind { request, notification, response, invalid };
  Kind kind = Kind::invalid;
  nlohmann::json id;  // requests; for `invalid`, the id when it could be read, else null
  std::string method;
  nlohmann::json params;  // an object, or null when the message has none
  nlohmann::json error_reply;
};

// Parses one message (one line of stdio, one HTTP body). Never throws: JSON that is not
// well formed (or nested too deep to handle safely) is a parse error; anything that is not
// one JSON-RPC 2.0 object (batches included: 2025-06-18 has none) an invalid request.
Message parse_message(std::string_view text);

nlohmann::json result_reply(const nlohmann::json& id, nlohmann::json result);
nlohmann::json error_reply(const nlohmann::json& id, int code, std::string_view message);

// What tools and resources are; the dispatcher only checks the protocol around them.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual nlohmann::json tools() = 0;  // tool definitions for tools/list
  // The CallToolResult of tool `name`; nothing when there is no such tool.
  virtual std::optional<nlohmann::json> call_tool(const std::string& name, const nlohmann::json& arguments) = 0;
  virtual nlohmann::json resources() = 0;           // resources/list
  virtual nlohmann::json resource_templates() = 0;  // resources/templates/list
  // The `contents` of resources/read; nothing when there is no such resource.
  virtual std::optional<nlohmann::json> read_resource(const std::string& uri) = 0;
};

struct ServerInfo {
  std::string name;
  std::string title;
  std::string version;
  std::string instructions;
};

// Answers requests (nothing for notifications and responses). A backend that throws
// answers -32603 for that request; nothing else is lost.
std::optional<nlohmann::json> dispatch(const Message& message, const ServerInfo& server, Backend& backend);

}  // namespace switchboard::mcp
