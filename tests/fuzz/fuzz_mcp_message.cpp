// One MCP message as a client sends it (a line of stdio, a POST body to /mcp): any bytes.
// Parsed and dispatched as the server does, against a backend that only echoes. Nothing may
// crash or throw; every reply is one JSON-RPC 2.0 response to the right id, with a result or
// an error of a known code; notifications and responses get none.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcp/protocol.hpp"

namespace {

using nlohmann::json;
namespace mcp = switchboard::mcp;

class EchoBackend final : public mcp::Backend {
 public:
  json tools() override { return json::array({{{"name", "echo"}, {"inputSchema", {{"type", "object"}}}}}); }
  std::optional<json> call_tool(const std::string& name, const json& arguments) override {
    if (!arguments.is_object()) __builtin_trap();  // the dispatcher lets only objects through
    if (name != "echo") return std::nullopt;
    return json{{"content", json::array()}, {"structuredContent", arguments}};
  }
  json resources() override { return json::array(); }
  json resource_templates() override { return json::array(); }
  std::optional<json> read_resource(const std::string& uri) override {
    if (uri != "x://ok") return std::nullopt;
    return json::array({{{"uri", uri}, {"text", ""}}});
  }
};

bool known_code(const json& code) {
  if (!code.is_number_integer()) return false;
  for (int known : {mcp::kParseError, mcp::kInvalidRequest, mcp::kMethodNotFound, mcp::kInvalidParams,
                    mcp::kInternalError, mcp::kResourceNotFound}) {
    if (code == known) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const mcp::Message message = mcp::parse_message(text);
  EchoBackend backend;
  const auto reply = mcp::dispatch(message, {"fuzz", "Fuzz", "0", ""}, backend);
  const bool answers = message.kind == mcp::Message::Kind::request || message.kind == mcp::Message::Kind::invalid;
  if (answers != reply.has_value()) __builtin_trap();
  if (!reply) return 0;
  if (!reply->is_object() || reply->value("jsonrpc", json()) != "2.0") __builtin_trap();
  const json& id = (*reply)["id"];
  if (!id.is_null() && !id.is_string() && !id.is_number_integer()) __builtin_trap();
  if (message.kind == mcp::Message::Kind::request && id != message.id) __builtin_trap();
  if (reply->contains("result") == reply->contains("error")) __builtin_trap();
  if (reply->contains("error") && !known_code((*reply)["error"]["code"])) __builtin_trap();
  (void)reply->dump(-1, ' ', false, json::error_handler_t::replace);
  return 0;
}
