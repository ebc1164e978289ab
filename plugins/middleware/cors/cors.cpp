// Cross-origin resource sharing for browser clients (the web console on another origin, a
// single-page app calling the API). A preflight — OPTIONS with Origin and
// Access-Control-Request-Method — is answered here, 204 with what is allowed and how long a
// browser may cache that (or 403 when the origin or method is not allowed), so list `cors`
// before `auth` in `middleware:`: browsers send preflights without credentials. Any other
// request from an allowed origin gets Access-Control-Allow-Origin (its own origin, never `*`
// when credentials are allowed) and the exposed headers; from another origin, nothing, so the
// browser keeps the answer from the page. Configuration:
//   allowed_origins:   exact origins ("https://console.example.com"), or ["*"] (default: none)
//   allowed_methods:   default [GET, POST, PUT, PATCH, DELETE, OPTIONS]
//   allowed_headers:   request headers a page may send (default [Authorization, Content-Type,
//                      X-API-Key, X-Request-ID]; matched without case)
//   exposed_headers:   response headers a page may read (default X-Request-ID,
//                      X-Transaction-GUID and the X-RateLimit-* headers)
//   max_age_seconds:   preflight cache (default 600)
//   allow_credentials: default false; not with "*"
#include <algorithm>
#include <set>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

namespace {

using namespace switchboard::plugin;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::vector<std::string> strings(const nlohmann::json& config, const char* name, std::vector<std::string> fallback) {
  if (!config.contains(name)) return fallback;
  const auto& list = config[name];
  if (!list.is_array()) throw std::invalid_argument(std::string(name) + " must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : list) {
    if (!item.is_string() || item.get<std::string>().empty())
      throw std::invalid_argument(std::string(name) + " must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

class Cors final : public Middleware {
 public:
  explicit Cors(const nlohmann::json& config) {
    for (const auto& origin : strings(config, "allowed_origins", {})) {
      if (origin == "*") {
        any_origin_ = true;
      } else if (!origin.starts_with("http://") && !origin.starts_with("https://")) {
        throw std::invalid_argument("allowed_origins: \"" + origin + "\" is not an origin like https://host[:port]");
      } else {
        origins_.insert(origin);
      }
    }
    methods_ = strings(config, "allowed_methods", {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"});
    for (const auto& header :
         strings(config, "allowed_headers", {"Authorization", "Content-Type", "X-API-Key", "X-Request-ID"})) {
      allowed_headers_.push_back(header);
      allowed_lower_.insert(lower(header));
    }
    exposed_ = joined(strings(config, "exposed_headers",
                              {"X-Request-ID", "X-Transaction-GUID", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                               "X-RateLimit-Reset", "Retry-After"}));
    const int max_age = config.value("max_age_seconds", 600);
    if (max_age < 0 || max_age > 86400) throw std::invalid_argument("max_age_seconds must be 0 to 86400");
    max_age_ = std::to_string(max_age);
    credentials_ = config.value("allow_credentials", false);
    if (credentials_ && any_origin_)
      throw std::invalid_argument("allow_credentials cannot be used with allowed_origins [\"*\"]");
  }

  std::optional<MiddlewareReply> on_request(const HttpRequestInfo& request) override {
    const auto origin = request.header("Origin");
    const auto wanted_method = request.header("Access-Control-Request-Method");
    if (request.method != "OPTIONS" || !origin || !wanted_method) return std::nullopt;  // not a preflight
    if (!allowed(*origin)) return refuse("origin " + *origin + " is not allowed");
    if (std::find(methods_.begin(), methods_.end(), *wanted_method) == methods_.end())
      return refuse("method " + *wanted_method + " is not allowed");
    const std::string wanted_headers = request.header("Access-Control-Request-Headers").value_or("");
    for (std::size_t start = 0; start <= wanted_headers.size();) {
      const auto comma = std::min(wanted_headers.find(',', start), wanted_headers.size());
      const std::string header = lower(trim(std::string_view(wanted_headers).substr(start, comma - start)));
      if (!header.empty() && !allowed_lower_.count(header)) return refuse("header " + header + " is not allowed");
      start = comma + 1;
    }
    MiddlewareReply reply;
    reply.status = 204;
    reply.headers = {{"Access-Control-Allow-Methods", joined(methods_)},
                     {"Access-Control-Allow-Headers", joined(allowed_headers_)},
                     {"Access-Control-Max-Age", max_age_}};
    return reply;
  }

  void on_response(const HttpRequestInfo& request, int, HeaderList& headers) override {
    const auto origin = request.header("Origin");
    if (!origin || !allowed(*origin)) return;
    headers.emplace_back("Access-Control-Allow-Origin", credentials_ || !any_origin_ ? *origin : "*");
    headers.emplace_back("Vary", "Origin");
    if (credentials_) headers.emplace_back("Access-Control-Allow-Credentials", "true");
    if (request.method != "OPTIONS") headers.emplace_back("Access-Control-Expose-Headers", exposed_);
  }

 private:
  bool allowed(const std::string& origin) const { return any_origin_ || origins_.count(origin); }

  static MiddlewareReply refuse(std::string message) {
    MiddlewareReply reply;
    reply.status = 403;
    reply.code = "CORS_REJECTED";
    reply.message = std::move(message);
    return reply;
  }

  bool any_origin_ = false;
  std::set<std::string> origins_;
  std::vector<std::string> methods_;
  std::vector<std::string> allowed_headers_;
  std::set<std::string> allowed_lower_;
  std::string exposed_;
  std::string max_age_;
  bool credentials_ = false;
};

std::shared_ptr<Plugin> make_cors(const nlohmann::json& config, HostServices&) {
  return std::make_shared<Cors>(config);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "cors", "1.0.0",
                   "Cross-origin requests: preflights answered, allowed origins and exposed headers", make_cors)
