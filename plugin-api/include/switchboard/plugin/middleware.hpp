#pragma once
/// @file
/// The middleware kind: a step every HTTP request passes through, in configured order.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

/// An answer a middleware gives instead of letting the request through.
struct MiddlewareReply {
  int status = 400;  ///< HTTP status
  /// Error code and message: the host renders them as
  /// `{"error": {"code", "message", "request_id"}}`.
  std::string code;
  std::string message;  ///< human-readable reason
  HeaderList headers;   ///< extra headers (e.g. `Retry-After`)
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
};

}  // namespace switchboard::plugin
