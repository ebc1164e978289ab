#include "request_guards.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <arpa/inet.h>

#include <switchboard/config.hpp>

namespace switchboard {
namespace {

// The names a loopback listener answers to when server.allowed_hosts is not set.
constexpr std::array<std::string_view, 3> kLoopbackNames = {"localhost", "127.0.0.1", "[::1]"};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A host as it may appear in an authority: a name or IPv4 address (letters, digits, '-',
// '.', '_'), or an IPv6 literal in brackets. Anything else (userinfo, paths, spaces, zone
// identifiers) is not a host a browser would send.
bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 4 || host.back() != ']') return false;
    const std::string inside(host.substr(1, host.size() - 2));
    in6_addr address{};
    return inet_pton(AF_INET6, inside.c_str(), &address) == 1;
  }
  return std::all_of(host.begin(), host.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_'; });
}

std::optional<std::uint16_t> parse_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

bool state_changing(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// The media type of a Content-Type value, lower-cased, without parameters.
std::string media_type(std::string_view content_type) {
  const auto end = std::min(content_type.find(';'), content_type.size());
  std::string_view type = content_type.substr(0, end);
  const auto first = type.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  type = type.substr(first, type.find_last_not_of(" \t") - first + 1);
  return lower(type);
}

// JSON (application/json or a +json type), or a multipart upload (which the upload routes
// take and every JSON route refuses as not JSON).
bool body_type_accepted(std::string_view content_type) {
  const std::string type = media_type(content_type);
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json")) ||
         type == "multipart/form-data";
}

bool host_allowed(const std::optional<std::string>& host_header, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return true;
  if (!host_header) return false;
  const auto authority = parse_authority(*host_header);
  if (!authority) return false;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& each) {
    return each == "*" || plugin::header_name_equals(each, authority->host);
  });
}

// The server's own origin: the one whose host and port are those the request was sent to,
// whatever its scheme — a proxy in front may end TLS, and that host and port are this server
// either way.
bool own_origin(const WebOrigin& origin, const std::optional<std::string>& host_header) {
  if (!host_header) return false;
  const auto authority = parse_authority(*host_header);
  if (!authority) return false;
  const std::uint16_t port = authority->port.value_or(origin.scheme == "https" ? 443 : 80);
  return authority->host == origin.host && port == origin.port;
}

bool cors_allowed(const WebOrigin& origin, const std::vector<std::string>& cors_origins) {
  return std::any_of(cors_origins.begin(), cors_origins.end(), [&](const std::string& each) {
    if (each == "*") return true;
    const auto allowed = parse_origin(each);
    return allowed && *allowed == origin;
  });
}

}  // namespace

std::optional<WebOrigin> parse_origin(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  WebOrigin origin;
  origin.scheme = lower(text.substr(0, scheme_end));
  if (origin.scheme != "http" && origin.scheme != "https") return std::nullopt;
  auto authority = parse_authority(text.substr(scheme_end + 3));
  if (!authority) return std::nullopt;
  origin.host = std::move(authority->host);
  origin.port = authority->port.value_or(origin.scheme == "https" ? 443 : 80);
  return origin;
}

std::optional<Authority> parse_authority(std::string_view text) {
  std::string_view host = text;
  std::string_view port;
  bool has_port = false;
  if (text.starts_with("[")) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(0, close + 1);
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      has_port = true;
    }
  } else if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    has_port = true;
  }
  if (!valid_host(host)) return std::nullopt;
  Authority authority{lower(host), std::nullopt};
  if (has_port) {
    authority.port = parse_port(port);
    if (!authority.port) return std::nullopt;
  }
  return authority;
}

bool loopback_listener(std::string_view bind_host) {
  return bind_host == "localhost" || bind_host == "::1" || bind_host == "[::1]" || bind_host.starts_with("127.");
}

bool valid_allowed_host(std::string_view entry) {
  if (entry == "*") return true;
  const auto authority = parse_authority(entry);
  return authority && !authority->port;
}

std::vector<std::string> allowed_hosts(const Config& config) {
  if (!config.server.allowed_hosts.empty()) return config.server.allowed_hosts;
  if (!loopback_listener(config.server.host)) return {};
  std::vector<std::string> hosts(kLoopbackNames.begin(), kLoopbackNames.end());
  // The address it listens on, when another of 127.0.0.0/8.
  const std::string& bind = config.server.host;
  std::string listening = bind.find(':') != std::string::npos && !bind.starts_with("[") ? "[" + bind + "]" : bind;
  if (std::find(hosts.begin(), hosts.end(), listening) == hosts.end()) hosts.push_back(std::move(listening));
  return hosts;
}

std::optional<GuardRefusal> check_request(const HttpRequest& request, const GuardPolicy& policy) {
  const auto host = request.header("Host");
  if (!host_allowed(host, policy.allowed_hosts)) {
    return GuardRefusal{421, "MISDIRECTED_REQUEST",
                        "this server does not answer to Host " + (host ? "\"" + *host + "\"" : std::string("(none)")) +
                            " (see server.allowed_hosts)"};
  }
  if (!state_changing(request.method)) return std::nullopt;
  const auto origin_header = request.header("Origin");
  const auto origin = origin_header ? parse_origin(*origin_header) : std::nullopt;
  const bool origin_cors_allowed = origin && cors_allowed(*origin, policy.cors_origins);
  if (origin_header && !origin_cors_allowed && !(origin && own_origin(*origin, host))) {
    return GuardRefusal{403, "FORBIDDEN_ORIGIN",
                        "requests that change state are not accepted from origin \"" + *origin_header + "\""};
  }
  if (const auto site = request.header("Sec-Fetch-Site");
      site && plugin::header_name_equals(*site, "cross-site") && !origin_cors_allowed) {
    return GuardRefusal{403, "FORBIDDEN_ORIGIN", "requests that change state are not accepted from another site"};
  }
  if (!request.body.empty() && !body_type_accepted(request.header("Content-Type").value_or(""))) {
    return GuardRefusal{415, "UNSUPPORTED_MEDIA_TYPE",
                        "send the body as Content-Type: application/json (uploads as multipart/form-data)"};
  }
  return std::nullopt;
}

}  // namespace switchboard
