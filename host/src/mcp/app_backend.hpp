#pragma once
// The MCP backend of a running App: tools and resources answered by the HTTP API's own
// handlers (in-process requests, see api_request.hpp), on behalf of one MCP message whose
// context — identity, principal, plugin snapshot — they inherit.

#include <optional>
#include <string>

#include <switchboard/http_types.hpp>

#include "protocol.hpp"

namespace switchboard {
class App;
struct RequestContext;
}  // namespace switchboard

namespace switchboard::mcp {

// Name, title and version of this server, and what it tells clients it is for.
ServerInfo switchboard_server_info();

class AppBackend final : public Backend {
 public:
  AppBackend(App& app, const RequestContext& message_context) : app_(app), message_(message_context) {}

  nlohmann::json tools() override;
  std::optional<nlohmann::json> call_tool(const std::string& name, const nlohmann::json& arguments) override;
  nlohmann::json resources() override;
  nlohmann::json resource_templates() override;
  std::optional<nlohmann::json> read_resource(const std::string& uri) override;

 private:
  // Runs `method path?query` with `body` as an API request of this message.
  HttpResponse request(std::string method, std::string path, std::string query = {}, std::string body = {});
  HttpResponse run_tool(const std::string& name, const nlohmann::json& arguments);
  HttpResponse run_workflow_tool(const nlohmann::json& arguments);

  App& app_;
  const RequestContext& message_;
};

}  // namespace switchboard::mcp
