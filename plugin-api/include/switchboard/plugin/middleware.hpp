#pragma once
/// @file
/// The middleware kind: a step every HTTP request passes through, in configured order.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/plugin/chat.hpp>
#include <switchboard/plugin/plugin.hpp>
#include <switchboard/plugin/provider.hpp>  // HeaderList

namespace switchboard::plugin {

/// What middleware may see of an incoming request.
struct HttpRequestInfo {
  std::string method;         ///< "GET", "POST", …
  std::string path;           ///< path without query, e.g. "/v1/chat/completions"
  std::string query;          ///< raw query string without '?'
  HeaderList headers;         ///< request headers as received
  std::size_t body_size = 0;  ///< bytes of body received
  std::string client_ip;      ///< peer address
  std::string request_id;     ///< the request's id

  /// The first value of header `name` (case-insensitive), if present.
  std::optional<std::string> header(std::string_view name) const { return find_header(headers, name); }
};

/// An answer a middleware gives instead of letting the request through: a refusal (4xx or
/// 5xx; any other status but 204 becomes 500), or 204 No Content with only `headers` (a CORS
/// preflight).
struct MiddlewareReply {
  int status = 400;  ///< HTTP status
  /// Error code and message: the host renders them as
  /// `{"error": {"code", "message", "request_id"}}`.
  std::string code;
  std::string message;  ///< human-readable reason
  HeaderList headers;   ///< extra headers (e.g. `Retry-After`)
  /// More fields of the error object (e.g. a 429's `retry_after`, `limit`, `reset_time`);
  /// `code`, `message` and `request_id` are the host's and cannot be replaced.
  nlohmann::json details = nlohmann::json::object();
};

/// Rewrites the text of one LLM answer on its way back (e.g. puts redacted values back).
/// Whole answers pass through `on_text` once; streamed ones chunk by chunk, so a filter may
/// hold back a fragment it cannot judge yet and release it later or at `on_end`.
class AnswerFilter {
 public:
  virtual ~AnswerFilter() = default;
  /// The next piece of the answer; returns what the client gets in its place.
  virtual std::string on_text(std::string_view text) = 0;
  /// The answer has ended; returns whatever was held back.
  virtual std::string on_end() { return {}; }
};

/// What a middleware makes of one LLM call (`Middleware::on_llm_call`).
struct LlmCallDecision {
  std::optional<MiddlewareReply> refusal;  ///< refuse the call (the request answers this)
  std::optional<ChatRequest> rewritten;    ///< send this instead of the call as it was
  std::shared_ptr<AnswerFilter> answer;    ///< rewrite the answer (lives as long as the call)
};

/// The middleware kind.
class Middleware : public Plugin {
 public:
  /// Sees the request before dispatch; returning a reply answers it at once (later
  /// middleware and the handler do not run, but `on_response` still does).
  virtual std::optional<MiddlewareReply> on_request(const HttpRequestInfo& request) {
    (void)request;
    return std::nullopt;
  }

  /// Sees the response before it is written; may add or replace headers.
  virtual void on_response(const HttpRequestInfo& request, int status, HeaderList& headers) {
    (void)request;
    (void)status;
    (void)headers;
  }

  /// Sees the body of a request every `on_request` let through, before the handler parses it
  /// (on the thread that will serve it); returning a reply refuses the request.
  virtual std::optional<MiddlewareReply> on_body(const HttpRequestInfo& request, std::string_view body) {
    (void)request;
    (void)body;
    return std::nullopt;
  }

  /// Sees each LLM call made while serving `request` — the gateway's, and every step of a
  /// framework task — before it leaves for a provider: may refuse it, rewrite it, or filter
  /// its answer. Runs on the thread that makes the call.
  virtual LlmCallDecision on_llm_call(const HttpRequestInfo& request, const ChatRequest& call) {
    (void)request;
    (void)call;
    return {};
  }

  /// (2.1) Sees a request that has a body once its line and headers are in, before the body
  /// is read — `body_size` is the declared Content-Length (0 for a chunked body) — on the
  /// reactor thread; returning a reply refuses it without reading the body, and the
  /// connection is closed after the answer. Decide only from what is here (a declared size
  /// above a route's limit, a missing or invalid credential): record nothing, since the
  /// request's `on_request` still runs when it is let through (and `HostServices::set_principal`
  /// does nothing here: there is no current request yet).
  virtual std::optional<MiddlewareReply> on_headers(const HttpRequestInfo& request) {
    (void)request;
    return std::nullopt;
  }
};

}  // namespace switchboard::plugin
