#pragma once
// One API request made in-process on behalf of an MCP message, so tools run the very code
// the HTTP API runs: a request of its own (method, path, query, body) in a context that
// inherits the MCP message's identity — request id, transaction GUID, plugin snapshot,
// principal and owner (billing, budgets, whose objects it sees: owner.hpp), the middleware its
// LLM calls pass, cache preferences — but
// counts its own LLM calls, so each tool's tokens and cost are its own.

#include <string>
#include <vector>

#include <switchboard/http_types.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {
class App;
class Logger;
}  // namespace switchboard

namespace switchboard::mcp {

// The MCP server's log ("logger": "mcp").
Logger& log();

class ApiRequest {
 public:
  ApiRequest(const RequestContext& parent, std::string method, std::string path, std::string query = {},
             std::string body = {});
  ApiRequest(const ApiRequest&) = delete;
  ApiRequest& operator=(const ApiRequest&) = delete;

  // The context to run a handler in (the caller sets CurrentRequestScope, as `route` does).
  const RequestContext& context() const { return context_; }

  // Runs the route that answers this request, as the router would pick it. Routes that
  // answer asynchronously (streams) are not offered to tools and answer 500.
  HttpResponse route(const App& app);

 private:
  HttpRequest request_;
  std::vector<LlmCallRecord> calls_;
  RequestContext context_;
};

}  // namespace switchboard::mcp
