// Limits how often each client may call, per endpoint class, over a sliding window (seed 000's
// defaults per minute: global 60, generation 15, chat 20, health 100). The client is its
// credential (API key or bearer token, as `auth` before it has checked) or else its IP.
// Health checks count only against `health`; every other request against `global` and, for
// generation and chat routes, against their class too — admitted into all of its windows or
// none. Every response carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset
// (the Unix time a slot frees) of its tightest window; a refused request gets 429 with
// Retry-After and the seed's fields (`retry_after`, `limit`, `reset_time`), and an audit event.
// Windows live in this process, or in Redis when `redis_url` (or else the REDIS_URL
// environment variable) is set, so several instances share one allowance; while Redis cannot
// be reached the in-process windows stand in (logged), so the server keeps limiting.
// Configuration: window_seconds (default 60), limits: {global, generation, chat, health},
// redis_url, redis_prefix (default "switchboard:rl").
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <memory>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

#include "redis_windows.hpp"
#include "sliding_window.hpp"

namespace {

using namespace switchboard::plugin;
using rate_limit::Decision;

const char* endpoint_class(const HttpRequestInfo& request) {
  const std::string& path = request.path;
  if (path.starts_with("/health")) return "health";
  if (request.method != "POST") return nullptr;
  if (path.starts_with("/api/chat/")) return "chat";
  for (const char* prefix : {"/api/semantic-kernel", "/api/langchain", "/api/langgraph", "/api/compare",
                             "/api/context/execute", "/api/workflows/", "/v1/chat/completions", "/v1/frameworks/",
                             "/v1/analyze", "/v1/text_processing/process", "/v1/text_processing/batch_process"}) {
    if (path.starts_with(prefix)) return "generation";
  }
  return nullptr;
}

std::string per_window(std::chrono::seconds window) {
  if (window.count() == 60) return "per minute";
  if (window.count() == 3600) return "per hour";
  if (window.count() == 86400) return "per day";
  return "per " + std::to_string(window.count()) + " seconds";
}

std::string iso_utc(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

class RateLimit final : public Middleware {
 public:
  RateLimit(const nlohmann::json& config, HostServices& host) : host_(host) {
    window_ = std::chrono::seconds(config.value("window_seconds", 60));
    if (window_.count() < 1 || window_.count() > 86400)
      throw std::invalid_argument("window_seconds must be 1 to 86400");
    const std::map<std::string, int> defaults = {{"global", 60}, {"generation", 15}, {"chat", 20}, {"health", 100}};
    const auto limits = config.value("limits", nlohmann::json::object());
    if (!limits.is_object()) throw std::invalid_argument("limits must be a map of class to requests per window");
    for (const auto& [name, fallback] : defaults) {
      const auto limit = limits.value(name, fallback);
      if (limit < 1 || limit > 1'000'000) throw std::invalid_argument("limits." + name + " must be 1 to 1000000");
      windows_.emplace(name, std::make_unique<rate_limit::SlidingWindow>(limit, window_));
      rejections_.emplace(name,
                          host_.metrics().counter("switchboard_rate_limit_rejections_total",
                                                  "Requests refused with 429, by limit class", {{"class", name}}));
    }
    for (const auto& item : limits.items()) {
      if (!defaults.count(item.key())) throw std::invalid_argument("unknown limit class \"" + item.key() + "\"");
    }
    std::string url = config.value("redis_url", std::string());
    if (url.empty()) {
      if (const char* from_environment = std::getenv("REDIS_URL")) url = from_environment;
    }
    if (!url.empty()) {
      auto address = switchboard::redis::parse_url(url);
      if (!address) throw std::invalid_argument("redis_url: " + address.error());
      redis_ = std::make_unique<rate_limit::RedisWindows>(*address, window_,
                                                          config.value("redis_prefix", std::string("switchboard:rl")));
      host_.logger().info("rate limits shared through Redis",
                          {{"host", address->host}, {"port", address->port}, {"database", address->database}});
    }
  }

  std::optional<MiddlewareReply> on_request(const HttpRequestInfo& request) override {
    const auto tightest = tightest_window(request, /*admit=*/true);
    const Decision& decision = tightest.second;
    if (decision.allowed) return std::nullopt;
    const auto retry_after = std::max<long long>(1, decision.reset.count());
    const std::string limit = std::to_string(decision.limit) + " requests " + per_window(window_);
    host_.audit("rate_limit.exceeded", {{"class", tightest.first}, {"limit", limit}});
    if (auto counter = rejections_.find(tightest.first); counter != rejections_.end()) counter->second->increment();
    MiddlewareReply reply;
    reply.status = 429;
    reply.code = "RATE_LIMIT_EXCEEDED";
    reply.message =
        "Rate limit exceeded: " + limit + " (" + tightest.first + "); retry in " + std::to_string(retry_after) + " s";
    reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
    reply.details = {{"retry_after", retry_after},
                     {"limit", limit},
                     {"reset_time", iso_utc(host_.now() + std::chrono::seconds(retry_after))}};
    return reply;
  }

  // Where the client stands now, read from its windows (nothing kept per request, so no
  // request can see another's figures).
  void on_response(const HttpRequestInfo& request, int, HeaderList& headers) override {
    const auto decision = tightest_window(request, /*admit=*/false).second;
    const auto reset = host_.now() + decision.reset;
    headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
    headers.emplace_back("X-RateLimit-Remaining", std::to_string(decision.remaining));
    headers.emplace_back("X-RateLimit-Reset",
                         std::to_string(std::chrono::ceil<std::chrono::seconds>(reset.time_since_epoch()).count()));
  }

 private:
  // The request's windows — `global` and its class's (health: only its own) — admitted into
  // (all or none) when `admit`, else only looked at; the tightest speaks: a refusal first,
  // else the fewest remaining.
  std::pair<std::string, Decision> tightest_window(const HttpRequestInfo& request, bool admit) {
    const char* klass = endpoint_class(request);
    std::vector<std::string> names;
    if (!klass || std::string(klass) != "health") names.emplace_back("global");
    if (klass) names.emplace_back(klass);
    const std::string client = client_key(request);
    const auto now = host_.now();
    std::vector<Decision> decisions;
    if (redis_) decisions = shared_decisions(names, client, now, admit);
    if (decisions.empty()) decisions = local_decisions(names, client, now, admit);
    std::size_t tightest = 0;
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      const auto& best = decisions[tightest];
      if (!decisions[i].allowed || (best.allowed && decisions[i].remaining < best.remaining)) tightest = i;
    }
    return {names[tightest], decisions[tightest]};
  }

  std::vector<Decision> local_decisions(const std::vector<std::string>& names, const std::string& client,
                                        std::chrono::system_clock::time_point now, bool admit) {
    std::lock_guard lock(local_mutex_);  // all windows or none
    std::vector<Decision> decisions;
    bool room = true;
    for (const auto& name : names) {
      decisions.push_back(windows_.at(name)->peek(client, now));
      room = room && decisions.back().allowed;
    }
    if (!admit || !room) return decisions;
    decisions.clear();
    for (const auto& name : names) decisions.push_back(windows_.at(name)->admit(client, now));
    return decisions;
  }

  // Empty when Redis failed (the caller falls back to the local windows).
  std::vector<Decision> shared_decisions(const std::vector<std::string>& names, const std::string& client,
                                         std::chrono::system_clock::time_point now, bool admit) {
    std::vector<rate_limit::WindowCheck> checks;
    for (const auto& name : names) {
      checks.push_back({redis_->prefix() + ":" + name + ":" + client, windows_.at(name)->limit()});
    }
    auto decisions = redis_->decide(checks, now, admit);
    if (decisions) return std::move(*decisions);
    const auto steady = std::chrono::steady_clock::now();
    std::lock_guard lock(local_mutex_);
    if (steady - last_redis_warning_ > std::chrono::seconds(10)) {
      last_redis_warning_ = steady;
      host_.logger().warn("Redis unavailable; limiting with this instance's own windows",
                          {{"reason", decisions.error()}});
    }
    return {};
  }

  // The credential itself is never kept: only a hash of it, as the key of its window.
  static std::string client_key(const HttpRequestInfo& request) {
    std::string credential = request.header("X-API-Key").value_or("");
    if (credential.empty()) credential = request.header("Authorization").value_or("");
    if (!credential.empty()) return "cred:" + std::to_string(std::hash<std::string>{}(credential));
    return "ip:" + request.client_ip;
  }

  HostServices& host_;
  std::chrono::seconds window_{60};
  std::map<std::string, std::unique_ptr<rate_limit::SlidingWindow>> windows_;
  std::map<std::string, std::shared_ptr<Counter>> rejections_;  // by class
  std::unique_ptr<rate_limit::RedisWindows> redis_;
  std::mutex local_mutex_;
  std::chrono::steady_clock::time_point last_redis_warning_{};
};

std::shared_ptr<Plugin> make_rate_limit(const nlohmann::json& config, HostServices& host) {
  return std::make_shared<RateLimit>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "rate-limit", "1.1.0",
                   "Sliding-window request limits per client and endpoint class (in-process or shared through "
                   "Redis), with X-RateLimit headers",
                   make_rate_limit)
