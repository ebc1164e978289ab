#pragma once
// Guards every request passes before middleware, against browsers driven by another site:
// - DNS rebinding: a page on attacker.example whose name is made to resolve to 127.0.0.1
//   reaches a loopback server as "same origin", but its requests still say
//   `Host: attacker.example`. The `Host` must be one the server answers to: the
//   configured `server.allowed_hosts`, else on a loopback listener only localhost,
//   127.0.0.1, [::1] and the listening address.
// - Cross-site requests: a page may send "simple" requests (text/plain, form-encoded,
//   multipart) to any server without asking. A state-changing request's body must say it is
//   JSON (or a multipart upload), and a state-changing request a browser marks as coming
//   from another origin (Origin, Sec-Fetch-Site) is refused unless that origin is the
//   server's own or one the `cors` middleware allows.
// Origins are compared whole — scheme, host (without case) and port (default ports
// normalised) — never by prefix; the server's own is any scheme with the host and port of
// its `Host` (it cannot know whether a proxy ended TLS in front of it).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <switchboard/http_types.hpp>

namespace switchboard {

struct Config;

// scheme://host[:port] as a browser sends it in `Origin`: http or https only, nothing after
// the authority. The host is lower-cased (an IPv6 literal keeps its brackets).
struct WebOrigin {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;  // the scheme's default when none is written
  bool operator==(const WebOrigin&) const = default;
};
std::optional<WebOrigin> parse_origin(std::string_view text);

// host[:port] as sent in `Host`: the host lower-cased (an IPv6 literal in brackets), the port
// when one is written.
struct Authority {
  std::string host;
  std::optional<std::uint16_t> port;
};
std::optional<Authority> parse_authority(std::string_view text);

// Whether the server listens on a loopback address only (127.0.0.0/8, ::1, localhost).
bool loopback_listener(std::string_view bind_host);

// Whether an entry of `server.allowed_hosts` is well formed: a host name or IP literal
// (IPv6 in brackets) without a port, or "*" for any host.
bool valid_allowed_host(std::string_view entry);

// What a request is checked against.
struct GuardPolicy {
  // The hosts a `Host` header may name (without case, any port); empty: any host.
  std::vector<std::string> allowed_hosts;
  // The origins a browser may send state-changing requests from besides the server's own:
  // the `cors` middleware's allowed_origins ("*" is any).
  std::vector<std::string> cors_origins;
};

// The hosts a request may name under `config`: server.allowed_hosts, else the loopback
// names when the server listens on loopback only, else any (empty).
std::vector<std::string> allowed_hosts(const Config& config);

// Why a request is refused.
struct GuardRefusal {
  int status = 0;
  std::string code;
  std::string message;
};

// The refusal `request` earns under `policy`, if any.
std::optional<GuardRefusal> check_request(const HttpRequest& request, const GuardPolicy& policy);

}  // namespace switchboard
