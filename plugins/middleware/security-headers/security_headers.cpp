// Adds browser security headers to every response. HSTS only when the request came over
// HTTPS — directly, or through a proxy that says so in X-Forwarded-Proto — because HSTS
// over plain HTTP is ignored by browsers and breaks local development setups.
// Configuration:
//   frame_options:        X-Frame-Options value (default "DENY")
//   hsts_max_age:         seconds (default 31536000)
//   hsts_subdomains:      add includeSubDomains (default true)
//   trust_forwarded_proto: honour X-Forwarded-Proto (default true)
//   content_security_policy: Content-Security-Policy value; "" sends none. The default allows
//                          scripts, styles, images and requests from this server only, no
//                          inline scripts and no framing: what the /docs page needs, and more
//                          than JSON answers do.
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

namespace {

using namespace switchboard::plugin;

void set(HeaderList& headers, const std::string& name, const std::string& value) {
  for (auto& header : headers) {
    if (header_name_equals(header.first, name)) {
      header.second = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

class SecurityHeaders final : public Middleware {
 public:
  explicit SecurityHeaders(const nlohmann::json& config)
      : frame_options_(config.value("frame_options", std::string("DENY"))),
        trust_forwarded_proto_(config.value("trust_forwarded_proto", true)),
        content_security_policy_(config.value("content_security_policy", std::string(kDefaultPolicy))) {
    const long max_age = config.value("hsts_max_age", 31536000L);
    if (max_age < 0) throw std::invalid_argument("hsts_max_age must be >= 0");
    hsts_ = "max-age=" + std::to_string(max_age);
    if (config.value("hsts_subdomains", true)) hsts_ += "; includeSubDomains";
  }

  void on_response(const HttpRequestInfo& request, int, HeaderList& headers) override {
    set(headers, "X-Content-Type-Options", "nosniff");
    set(headers, "X-Frame-Options", frame_options_);
    set(headers, "X-XSS-Protection", "1; mode=block");
    if (!content_security_policy_.empty()) set(headers, "Content-Security-Policy", content_security_policy_);
    if (is_https(request)) set(headers, "Strict-Transport-Security", hsts_);
  }

 private:
  bool is_https(const HttpRequestInfo& request) const {
    if (!trust_forwarded_proto_) return false;
    auto proto = request.header("X-Forwarded-Proto");
    if (!proto) return false;
    // A chain of proxies lists protocols comma-separated; the first is the client's.
    std::string first = proto->substr(0, proto->find(','));
    first.erase(0, first.find_first_not_of(' '));
    first.erase(first.find_last_not_of(' ') + 1);
    return header_name_equals(first, "https");
  }

  static constexpr const char* kDefaultPolicy =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'none'";

  std::string frame_options_;
  bool trust_forwarded_proto_;
  std::string content_security_policy_;
  std::string hsts_;
};

std::shared_ptr<Plugin> make_security_headers(const nlohmann::json& config, HostServices&) {
  return std::make_shared<SecurityHeaders>(config);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "security-headers", "1.1.0",
                   "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy, HSTS on HTTPS",
                   make_security_headers)
