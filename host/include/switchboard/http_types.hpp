#pragma once
// Plain HTTP request and response values. The Pistache adapter converts to and from these,
// so everything past it (middleware, router, handlers) is testable without a socket.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <switchboard/plugin/provider.hpp>  // HeaderList, find_header

namespace switchboard {

using plugin::HeaderList;

struct HttpRequest {
  std::string method;  // upper case, "GET"
  std::string path;    // without the query
  std::string query;   // raw, without '?'
  HeaderList headers;
  std::string body;
  std::string client_ip;
  bool keep_alive = true;  // what the client asked for (HTTP/1.1 default)

  std::optional<std::string> header(std::string_view name) const { return plugin::find_header(headers, name); }
  // A query parameter, percent-decoded ('+' is a space); the first when repeated.
  std::optional<std::string> query_param(std::string_view name) const;
};

// `a=1&b=x%20y` → {a: "1", b: "x y"}; keys without '=' map to "". Malformed escapes are
// kept as they are. The first of a repeated key wins.
std::map<std::string, std::string> parse_query(std::string_view query);

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;
  std::string body;

  // Replaces any header of that name, so middleware can override what a handler set.
  void set_header(std::string name, std::string value);
};

// The canonical reason phrase of an HTTP status ("Not Found").
std::string_view reason_phrase(int status) noexcept;

}  // namespace switchboard
