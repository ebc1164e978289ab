// Lets a request in only with a valid credential, and tells the host who it acts for.
//   X-API-Key: sk_…  or  Authorization: Bearer sk_…  — an API key, checked by its SHA-256
//     against the host's keys (active, not expired);
//   Authorization: Bearer <JWT>                     — HS256, signed with the secret in the
//     environment variable named by `jwt_secret_env` (at least 32 characters, checked at
//     load: a shorter secret refuses the plugin), `exp` required.
// Missing, unknown, revoked or expired credentials: 401 (with WWW-Authenticate); a token with
// a bad signature or another algorithm: 403. Public paths pass without one; /admin/ and
// /internal/ are guarded by the host's admin token instead. A client (IP) that failed
// `max_failures` times in its window of `failure_window_seconds` gets 429 with Retry-After
// until the window ends, credentials unread. Every success is an audit event (`auth.success`);
// failures are audited in aggregate (`auth.failure`): a client's first failure of a window, and
// the failure that uses its window up with their count — never with the credential.
// Configuration:
//   public_paths:   paths that need no credential: exact, or a prefix ending in `*` (default
//                   [/health, /health/ready, /openapi.json, /docs, /docs/*, /, /assets/*]: the
//                   API's own documentation and the web console's files say nothing a caller
//                   could not send it anyway; the console's calls carry the user's credential)
//   jwt_secret_env: the variable holding the JWT secret (default JWT_SECRET; unset: no JWTs)
//   audience:       when set, a JWT's `aud` must be it (or a list holding it)
//   issuer:         when set, a JWT's `iss` must be it
//   max_failures:   failed authentications a client may make per window (default 10)
//   failure_window_seconds: (default 60)
//   unauthenticated_body_bytes: a larger body is refused before it is read unless its
//                   credential is valid (default 65536)
// A JWT's `exp` (required), `nbf` and `iat` must be numbers of seconds from 1970 to 9999.
// The principal of a key is its id, name and team; of a token, its `sub` as the id and its
// `iss` as the name (the host owns a token's objects by issuer and subject).
#include <openssl/evp.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <set>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

#include "failure_window.hpp"
#include "jwt.hpp"

namespace {

using namespace switchboard::plugin;

constexpr std::size_t kMinimumSecret = 32;

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

// Now as the host stores times (ISO-8601 UTC), so an expiry compares as text.
std::string utc_now_text(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

// A claim of a verified token as text: empty when missing or not text.
std::string text_claim(const nlohmann::json& claims, const char* name) {
  const auto claim = claims.find(name);
  return claim != claims.end() && claim->is_string() ? claim->get<std::string>() : "";
}

MiddlewareReply refuse(int status, std::string code, std::string message) {
  MiddlewareReply reply{status, std::move(code), std::move(message), {}};
  if (status == 401) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  return reply;
}

// The failures a client may make per window, from the configuration.
auth::FailureWindow failure_window(const nlohmann::json& config) {
  const auto limit = config.value("max_failures", 10);
  const auto seconds = config.value("failure_window_seconds", 60);
  if (limit < 1 || limit > 1'000'000) throw std::invalid_argument("max_failures must be 1 to 1000000");
  if (seconds < 1 || seconds > 86400) throw std::invalid_argument("failure_window_seconds must be 1 to 86400");
  return auth::FailureWindow(limit, std::chrono::seconds(seconds));
}

// How large a body may be before its credential is checked (the body is then never read without
// a valid one), from the configuration.
std::size_t body_cap(const nlohmann::json& config) {
  const auto bytes = config.value("unauthenticated_body_bytes", 65536LL);
  if (bytes < 1024 || bytes > 16LL * 1024 * 1024) {
    throw std::invalid_argument("unauthenticated_body_bytes must be 1024 to 16777216");
  }
  return static_cast<std::size_t>(bytes);
}

class Auth final : public Middleware {
 public:
  Auth(const nlohmann::json& config, HostServices& host)
      : host_(host), unauthenticated_body_bytes_(body_cap(config)), failures_(failure_window(config)) {
    public_paths_ = {"/health", "/health/ready", "/openapi.json", "/docs", "/docs/*", "/", "/assets/*"};
    if (config.contains("public_paths")) {
      if (!config["public_paths"].is_array()) throw std::invalid_argument("public_paths must be a list of paths");
      public_paths_.clear();
      for (const auto& path : config["public_paths"]) {
        if (!path.is_string() || !path.get<std::string>().starts_with("/")) {
          throw std::invalid_argument("public_paths must be a list of paths");
        }
        public_paths_.insert(path.get<std::string>());
      }
    }
    const std::string variable = config.value("jwt_secret_env", std::string("JWT_SECRET"));
    if (const char* secret = std::getenv(variable.c_str()); secret && *secret) {
      jwt_secret_ = secret;
      if (jwt_secret_.size() < kMinimumSecret) {
        throw std::invalid_argument(variable + " must be at least 32 characters long");  // never its value
      }
    }
    jwt_expected_ = auth::jwt_expectations(config);
  }

  std::optional<MiddlewareReply> on_request(const HttpRequestInfo& request) override {
    if (exempt(request.path)) return std::nullopt;
    if (auto limited = failures_exhausted(request)) return limited;
    auto verdict = verify(request);
    if (verdict.refusal) {
      count_failure(request, *verdict.refusal);
      return verdict.refusal;
    }
    host_.set_principal(*verdict.principal);
    host_.audit("auth.success", {{"method", verdict.principal->kind}});
    return std::nullopt;
  }

  // A body larger than `unauthenticated_body_bytes` is read only for a valid credential:
  // without one the request is refused before a byte of it is kept. (Its failure counts as
  // any other: a refused request never reaches on_request.)
  std::optional<MiddlewareReply> on_headers(const HttpRequestInfo& request) override {
    const bool large = request.body_size > unauthenticated_body_bytes_ || request.header("Transfer-Encoding");
    if (!large || exempt(request.path)) return std::nullopt;
    if (auto limited = failures_exhausted(request)) return limited;
    auto verdict = verify(request);
    if (verdict.refusal) count_failure(request, *verdict.refusal);
    return verdict.refusal;
  }

 private:
  // Who a credential says the request is, or why it is refused. Records nothing.
  struct Verdict {
    std::optional<Principal> principal;
    std::optional<MiddlewareReply> refusal;
  };

  // Public paths need no credential; /admin/ and /internal/ have the host's admin token.
  bool exempt(const std::string& path) const {
    return is_public(path) || path.starts_with("/admin/") || path.starts_with("/internal/");
  }

  Verdict verify(const HttpRequestInfo& request) const {
    std::string credential = request.header("X-API-Key").value_or("");
    if (credential.empty()) {
      const std::string authorization = request.header("Authorization").value_or("");
      if (authorization.size() > 7 && (authorization.starts_with("Bearer ") || authorization.starts_with("bearer "))) {
        credential = authorization.substr(7);
      }
    }
    if (credential.empty()) return {{}, refuse(401, "UNAUTHORIZED", "an API key or bearer token is required")};
    if (credential.starts_with("sk_")) return check_key(credential);
    if (jwt_secret_.empty()) return {{}, refuse(401, "UNAUTHORIZED", "invalid API key")};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(host_.now().time_since_epoch()).count();
    auto claims = auth::verify_hs256(credential, jwt_secret_, now, jwt_expected_);
    if (!claims) {
      const bool forged = claims.error() == auth::JwtFailure::bad_signature ||
                          claims.error() == auth::JwtFailure::unsupported_algorithm;
      return {{}, refuse(forged ? 403 : 401, forged ? "FORBIDDEN" : "UNAUTHORIZED", auth::describe(claims.error()))};
    }
    // The issuer goes in `name` (Principal has no field of its own for it): the host scopes
    // a token's objects by issuer and subject, so one `sub` of two issuers is two owners.
    return {Principal{"jwt", text_claim(*claims, "sub"), text_claim(*claims, "iss"), ""}, {}};
  }

  // 429 while the client has used up its failures of the window.
  std::optional<MiddlewareReply> failures_exhausted(const HttpRequestInfo& request) const {
    const auto wait = failures_.blocked(request.client_ip, host_.now());
    if (!wait) return std::nullopt;
    MiddlewareReply reply{
        429,
        "RATE_LIMIT_EXCEEDED",
        "too many failed authentications from this client; retry in " + std::to_string(wait->count()) + " s",
        {{"Retry-After", std::to_string(wait->count())}}};
    reply.details = {{"retry_after", wait->count()}, {"limit", failure_limit_text()}};
    return reply;
  }

  // Counts the failure against its client; audits the window's first one (with its path) and
  // the one that uses the window up (with the count, without a path: it stands for them all).
  void count_failure(const HttpRequestInfo& request, const MiddlewareReply& refusal) {
    const int count = failures_.fail(request.client_ip, host_.now());
    if (count == 1) {
      host_.audit("auth.failure", {{"status", refusal.status}, {"reason", refusal.message}, {"count", 1}});
    } else if (count == failures_.limit()) {
      host_.audit("auth.failure", {{"status", refusal.status},
                                   {"reason", refusal.message},
                                   {"count", count},
                                   {"limit", failure_limit_text()},
                                   {"path", nullptr}});
    }
  }

  std::string failure_limit_text() const {
    return std::to_string(failures_.limit()) + " failed authentications per " +
           std::to_string(failures_.window().count()) + " s";
  }

  bool is_public(const std::string& path) const {
    if (public_paths_.count(path)) return true;
    for (const auto& each : public_paths_) {
      if (each.ends_with('*') && path.starts_with(std::string_view(each).substr(0, each.size() - 1))) return true;
    }
    return false;
  }

  Verdict check_key(const std::string& key) const {
    KeyDirectory* keys = host_.api_keys();
    auto found = keys ? keys->find_by_hash(sha256_hex(key)) : std::nullopt;
    if (!found || !found->active) return {{}, refuse(401, "UNAUTHORIZED", "invalid API key")};
    if (!found->expires_at.empty() && found->expires_at <= utc_now_text(host_.now())) {
      return {{}, refuse(401, "UNAUTHORIZED", "the API key has expired")};
    }
    return {Principal{"api_key", found->id, found->name, found->team}, {}};
  }

  HostServices& host_;
  std::size_t unauthenticated_body_bytes_;
  auth::FailureWindow failures_;
  std::set<std::string> public_paths_;
  std::string jwt_secret_;
  auth::JwtExpectations jwt_expected_;
};

std::shared_ptr<Plugin> make_auth(const nlohmann::json& config, HostServices& host) {
  return std::make_shared<Auth>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "auth", "1.3.0",
                   "API keys (hashed) and HS256 JWT bearer tokens; the principal for each request", make_auth)
