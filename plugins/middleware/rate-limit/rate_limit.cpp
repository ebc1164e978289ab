// Limits how often each client may call, per endpoint class, over a sliding window (seed 000's
// defaults per minute: global 60, generation 15, chat 20, health 100). The client is its
// credential (API key or bearer token, as `auth` before it has checked) or else its IP.
// Health checks count only against `health`; every other request against `global` and, for
// generation and chat routes, against their class too. Every response carries
// X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (seconds until a slot
// frees) of its tightest window; a refused request gets 429 with Retry-After. In-process.
// Configuration: window_seconds (default 60), limits: {global, generation, chat, health}.
#include <functional>
#include <map>
#include <memory>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

#include "sliding_window.hpp"

namespace {

using namespace switchboard::plugin;

const char* endpoint_class(const HttpRequestInfo& request) {
  const std::string& path = request.path;
  if (path.starts_with("/health")) return "health";
  if (request.method != "POST") return nullptr;
  if (path.starts_with("/api/chat/")) return "chat";
  for (const char* prefix : {"/api/semantic-kernel", "/api/langchain", "/api/langgraph", "/api/compare",
                             "/api/context/execute", "/api/workflows/", "/v1/chat/completions", "/v1/frameworks/"}) {
    if (path.starts_with(prefix)) return "generation";
  }
  return nullptr;
}

class RateLimit final : public Middleware {
 public:
  RateLimit(const nlohmann::json& config, HostServices& host) : host_(host) {
    const auto window = std::chrono::seconds(config.value("window_seconds", 60));
    if (window.count() < 1 || window.count() > 86400) throw std::invalid_argument("window_seconds must be 1 to 86400");
    const std::map<std::string, int> defaults = {{"global", 60}, {"generation", 15}, {"chat", 20}, {"health", 100}};
    const auto limits = config.value("limits", nlohmann::json::object());
    if (!limits.is_object()) throw std::invalid_argument("limits must be a map of class to requests per window");
    for (const auto& [name, fallback] : defaults) {
      const auto limit = limits.value(name, fallback);
      if (limit < 1 || limit > 1'000'000) throw std::invalid_argument("limits." + name + " must be 1 to 1000000");
      windows_.emplace(name, std::make_unique<rate_limit::SlidingWindow>(limit, window));
    }
    for (const auto& item : limits.items()) {
      if (!defaults.count(item.key())) throw std::invalid_argument("unknown limit class \"" + item.key() + "\"");
    }
  }

  std::optional<MiddlewareReply> on_request(const HttpRequestInfo& request) override {
    const auto tightest = tightest_window(request, /*count=*/true);
    if (tightest.second.allowed) return std::nullopt;
    host_.logger().warn("rate limit exceeded",
                        {{"class", tightest.first}, {"client_ip", request.client_ip}, {"path", request.path}});
    MiddlewareReply reply{429,
                          "RATE_LIMIT_EXCEEDED",
                          "Rate limit exceeded: " + std::to_string(tightest.second.limit) + " " + tightest.first +
                              " requests per window; retry in " + std::to_string(tightest.second.reset.count()) + " s",
                          {}};
    reply.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, tightest.second.reset.count())));
    return reply;
  }

  // Where the client stands now, read from its windows (nothing kept per request, so no
  // request can see another's figures).
  void on_response(const HttpRequestInfo& request, int, HeaderList& headers) override {
    const auto decision = tightest_window(request, /*count=*/false).second;
    headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
    headers.emplace_back("X-RateLimit-Remaining", std::to_string(decision.remaining));
    headers.emplace_back("X-RateLimit-Reset", std::to_string(decision.reset.count()));
  }

 private:
  // The request's windows — `global` and its class's (health: only its own) — admitted into
  // when `count`, else only looked at; the tightest speaks: a refusal first, else the fewest
  // remaining.
  std::pair<const char*, rate_limit::Decision> tightest_window(const HttpRequestInfo& request, bool count) const {
    const char* klass = endpoint_class(request);
    const std::string client = client_key(request);
    const auto now = host_.now();
    auto decide = [&](const char* name) {
      auto& window = *windows_.at(name);
      return std::pair{name, count ? window.admit(client, now) : window.peek(client, now)};
    };
    std::vector<std::pair<const char*, rate_limit::Decision>> decisions;
    if (!klass || std::string(klass) != "health") decisions.push_back(decide("global"));
    if (klass) decisions.push_back(decide(klass));
    auto tightest = decisions.front();
    for (const auto& decision : decisions) {
      if (!decision.second.allowed ||
          (tightest.second.allowed && decision.second.remaining < tightest.second.remaining)) {
        tightest = decision;
      }
    }
    return tightest;
  }

  // The credential itself is never kept: only a hash of it, as the key of its window.
  static std::string client_key(const HttpRequestInfo& request) {
    std::string credential = request.header("X-API-Key").value_or("");
    if (credential.empty()) credential = request.header("Authorization").value_or("");
    if (!credential.empty()) return "cred:" + std::to_string(std::hash<std::string>{}(credential));
    return "ip:" + request.client_ip;
  }

  HostServices& host_;
  std::map<std::string, std::unique_ptr<rate_limit::SlidingWindow>> windows_;
};

std::shared_ptr<Plugin> make_rate_limit(const nlohmann::json& config, HostServices& host) {
  return std::make_shared<RateLimit>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "rate-limit", "1.0.0",
                   "Sliding-window request limits per client and endpoint class, with X-RateLimit headers",
                   make_rate_limit)
