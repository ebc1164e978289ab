// POST and DELETE /mcp: the MCP server over Streamable HTTP (spec 2025-06-18). A POST
// carries one JSON-RPC message: a request is answered as application/json, a notification or
// response with 202. `initialize` issues Mcp-Session-Id; every other message needs it (400
// without, 404 when unknown, expired or opened with another credential), and DELETE ends it.
// GET is 405: this server sends nothing unasked. Middleware (auth, rate limits, input guard)
// has run before this handler, as for every route.
#include <algorithm>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>

#include "../mcp/app_backend.hpp"
#include "../mcp/protocol.hpp"
#include "../mcp/sessions.hpp"
#include "mcp_api.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

bool loopback_host(std::string_view host) { return host == "localhost" || host == "[::1]" || host.starts_with("127."); }

// Sessions kept per instance, and how long an idle one lives.
constexpr std::size_t kMaxSessions = 1000;
constexpr std::chrono::minutes kSessionIdle{60};

// The origins the operator lets browsers call from: those of the `cors` middleware, when it
// is on (a browser page on another origin needs CORS to reach /mcp anyway); ["*"] is any.
std::vector<std::string> cors_origins(const Config& config) {
  if (std::find(config.middleware.begin(), config.middleware.end(), "cors") == config.middleware.end()) return {};
  std::vector<std::string> origins;
  for (const auto& spec : config.plugins) {
    if (spec.name != "cors" || !spec.config.contains("allowed_origins")) continue;
    for (const auto& origin : spec.config["allowed_origins"]) {
      if (origin.is_string()) origins.push_back(origin.get<std::string>());
    }
  }
  return origins;
}

// Browsers send Origin; a page on another site (or a rebound DNS name) must not drive a
// server meant for this machine. Loopback origins and the CORS-allowed ones are allowed.
bool origin_allowed(const std::string& origin, const std::vector<std::string>& allowed) {
  for (const auto& each : allowed) {
    if (each == origin || each == "*") return true;
  }
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string_view scheme(origin.data(), scheme_end);
  if (scheme != "http" && scheme != "https") return false;
  std::string_view host(origin);
  host.remove_prefix(scheme_end + 3);
  if (host.find('/') != std::string_view::npos) return false;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') == std::string_view::npos ? host.size() : host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  return loopback_host(host);
}

// Whose session it is: a session is only found again with the same credential (stricter than
// the owner of objects, owner.hpp: two keys of one team share objects, not sessions).
std::string credential_of(const RequestContext& context) {
  return context.principal ? context.principal->kind + ":" + context.principal->id : "anonymous";
}

// Checks every /mcp request passes: the origin, and the protocol version when it is named.
std::optional<HttpResponse> refused(const std::vector<std::string>& allowed_origins, const RequestContext& context) {
  if (auto origin = context.request.header("Origin"); origin && !origin_allowed(*origin, allowed_origins)) {
    return error_response(403, "FORBIDDEN_ORIGIN", "origin " + *origin + " may not use /mcp", context.request_id);
  }
  if (auto version = context.request.header("MCP-Protocol-Version");
      version && !mcp::supported_protocol_version(*version)) {
    return error_response(400, "UNSUPPORTED_PROTOCOL_VERSION", "MCP-Protocol-Version " + *version + " is not supported",
                          context.request_id);
  }
  return std::nullopt;
}

// The session a message names, when live; else the 400 or 404 to answer.
tl::expected<std::string, HttpResponse> session_of(mcp::SessionTable& sessions, const RequestContext& context) {
  auto id = context.request.header("Mcp-Session-Id");
  if (!id || id->empty()) {
    return tl::unexpected(error_response(400, "MCP_SESSION_REQUIRED",
                                         "Mcp-Session-Id header required (initialize first)", context.request_id));
  }
  if (!sessions.find(*id, credential_of(context))) {
    return tl::unexpected(
        error_response(404, "MCP_SESSION_NOT_FOUND", "no such MCP session (initialize again)", context.request_id));
  }
  return *id;
}

// What the route keeps between requests.
struct Endpoint {
  mcp::SessionTable sessions{kMaxSessions, kSessionIdle};
  std::vector<std::string> allowed_origins;
};

HttpResponse post(App& app, Endpoint& endpoint, const RequestContext& context) {
  if (auto refusal = refused(endpoint.allowed_origins, context)) return *refusal;
  mcp::SessionTable& sessions = endpoint.sessions;
  const mcp::Message message = mcp::parse_message(context.request.body);
  // Not a JSON-RPC message at all: refused, with the JSON-RPC error saying why.
  if (message.kind == mcp::Message::Kind::invalid) return json_response(400, message.error_reply);
  mcp::AppBackend backend(app, context);
  static const mcp::ServerInfo server = mcp::switchboard_server_info();
  if (message.kind == mcp::Message::Kind::request && message.method == "initialize") {
    const json reply = *mcp::dispatch(message, server, backend);
    HttpResponse response = json_response(200, reply);
    if (reply.contains("result")) {
      response.set_header("Mcp-Session-Id",
                          sessions.open(credential_of(context), reply["result"]["protocolVersion"].get<std::string>()));
    }
    return response;
  }
  if (auto session = session_of(sessions, context); !session) return session.error();
  auto reply = mcp::dispatch(message, server, backend);
  if (!reply) {
    HttpResponse accepted;
    accepted.status = 202;
    return accepted;
  }
  return json_response(200, *reply);
}

}  // namespace

void add_mcp_routes(Router& router, App& app) {
  auto endpoint = std::make_shared<Endpoint>();
  endpoint->allowed_origins = cors_origins(app.config());
  // Tools wait on LLM calls: the worker pool.
  router.add(
      "POST", "/mcp",
      [&app, endpoint](const RequestContext& context, const PathParams&) { return post(app, *endpoint, context); },
      RouteThread::worker);
  router.add("DELETE", "/mcp", [endpoint](const RequestContext& context, const PathParams&) {
    if (auto refusal = refused(endpoint->allowed_origins, context)) return *refusal;
    auto session = session_of(endpoint->sessions, context);
    if (!session) return session.error();
    endpoint->sessions.close(*session, credential_of(context));
    HttpResponse ended;
    ended.status = 204;
    return ended;
  });
}

}  // namespace switchboard
