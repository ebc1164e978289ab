// Limits how often each client may call, per endpoint class, over a sliding window (seed 000's
// defaults per minute: global 60, generation 15, chat 20, health 100). The client is the
// principal `auth` (listed before this middleware) found — the API key or the JWT subject,
// however its credential was spelled — or else the peer's IP; never the text of a header.
// Health checks count only against `health`; every other request against `global` and, for
// generation and chat routes, against their class too; and a key made with
// `rate_limit_per_hour` against that many requests per hour (class `key`) — admitted into all
// of its windows or none. Every response carries X-RateLimit-Limit, X-RateLimit-Remaining and
// X-RateLimit-Reset (the Unix time a slot frees) of its tightest window; a refused request gets
// 429 with Retry-After and the seed's fields (`retry_after`, `limit`, `reset_time`), and an
// audit event. Windows live in this process, or in Redis when `redis_url` (or else the
// REDIS_URL environment variable) is set, so several instances share one allowance; while
// Redis cannot be reached the in-process windows stand in (logged), so the server keeps
// limiting. Configuration: window_seconds (default 60), limits: {global, generation, chat,
// health}, redis_url, redis_prefix (default "switchboard:rl").
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

#include "redis_windows.hpp"
#include "sliding_window.hpp"

namespace {

using namespace switchboard::plugin;
using rate_limit::Decision;

constexpr auto kHour = std::chrono::seconds(3600);
// How long a key's rate_limit_per_hour is taken as read (it is set when the key is made).
constexpr auto kKeyLimitReadAgain = std::chrono::seconds(30);

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
    }
    for (const char* name : {"global", "generation", "chat", "health", "key"}) {
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
    const Decision& decision = tightest.decision;
    if (decision.allowed) return std::nullopt;
    const auto retry_after = std::max<long long>(1, decision.reset.count());
    const std::string limit = std::to_string(decision.limit) + " requests " + per_window(tightest.length);
    host_.audit("rate_limit.exceeded", {{"class", tightest.name}, {"limit", limit}});
    if (auto counter = rejections_.find(tightest.name); counter != rejections_.end()) counter->second->increment();
    MiddlewareReply reply;
    reply.status = 429;
    reply.code = "RATE_LIMIT_EXCEEDED";
    reply.message =
        "Rate limit exceeded: " + limit + " (" + tightest.name + "); retry in " + std::to_string(retry_after) + " s";
    reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
    reply.details = {{"retry_after", retry_after},
                     {"limit", limit},
                     {"reset_time", iso_utc(host_.now() + std::chrono::seconds(retry_after))}};
    return reply;
  }

  // Where the client stands now, read from its windows (nothing kept per request, so no
  // request can see another's figures).
  void on_response(const HttpRequestInfo& request, int, HeaderList& headers) override {
    const auto decision = tightest_window(request, /*admit=*/false).decision;
    const auto reset = host_.now() + decision.reset;
    headers.emplace_back("X-RateLimit-Limit", std::to_string(decision.limit));
    headers.emplace_back("X-RateLimit-Remaining", std::to_string(decision.remaining));
    headers.emplace_back("X-RateLimit-Reset",
                         std::to_string(std::chrono::ceil<std::chrono::seconds>(reset.time_since_epoch()).count()));
  }

 private:
  // One window a request counts against: a class's, or its key's hour.
  struct Window {
    std::string name;                  // the class: global, generation, chat, health or key
    rate_limit::SlidingWindow* local;  // this instance's
    std::chrono::seconds length;
  };
  struct Tightest {
    std::string name;
    std::chrono::seconds length;
    Decision decision;
  };

  // The request's windows: `global` and its class's (health: only its own), and its key's
  // hour when the key has a rate_limit_per_hour.
  std::vector<Window> windows_of(const HttpRequestInfo& request, const std::optional<Principal>& principal) {
    const char* klass = endpoint_class(request);
    std::vector<Window> windows;
    if (!klass || std::string(klass) != "health") windows.push_back({"global", windows_.at("global").get(), window_});
    if (klass) windows.push_back({klass, windows_.at(klass).get(), window_});
    if (klass && std::string(klass) == "health") return windows;
    if (const int hourly = hourly_limit(principal); hourly > 0) {
      std::lock_guard lock(local_mutex_);
      auto& window = hourly_[hourly];
      if (!window) window = std::make_unique<rate_limit::SlidingWindow>(hourly, kHour);
      windows.push_back({"key", window.get(), kHour});
    }
    return windows;
  }

  // The request's windows admitted into (all or none) when `admit`, else only looked at; the
  // tightest speaks: a refusal first, else the fewest remaining.
  Tightest tightest_window(const HttpRequestInfo& request, bool admit) {
    const auto principal = host_.principal();
    const auto windows = windows_of(request, principal);
    const std::string client = client_key(request, principal);
    const auto now = host_.now();
    std::vector<Decision> decisions;
    if (redis_) decisions = shared_decisions(windows, client, now, admit);
    if (decisions.empty()) decisions = local_decisions(windows, client, now, admit);
    std::size_t tightest = 0;
    for (std::size_t i = 0; i < decisions.size(); ++i) {
      const auto& best = decisions[tightest];
      if (!decisions[i].allowed || (best.allowed && decisions[i].remaining < best.remaining)) tightest = i;
    }
    return {windows[tightest].name, windows[tightest].length, decisions[tightest]};
  }

  std::vector<Decision> local_decisions(const std::vector<Window>& windows, const std::string& client,
                                        std::chrono::system_clock::time_point now, bool admit) {
    std::lock_guard lock(local_mutex_);  // all windows or none
    std::vector<Decision> decisions;
    bool room = true;
    for (const auto& window : windows) {
      decisions.push_back(window.local->peek(client, now));
      room = room && decisions.back().allowed;
    }
    if (!admit || !room) return decisions;
    decisions.clear();
    for (const auto& window : windows) decisions.push_back(window.local->admit(client, now));
    return decisions;
  }

  // Empty when Redis failed (the caller falls back to the local windows).
  std::vector<Decision> shared_decisions(const std::vector<Window>& windows, const std::string& client,
                                         std::chrono::system_clock::time_point now, bool admit) {
    std::vector<rate_limit::WindowCheck> checks;
    for (const auto& window : windows) {
      const std::string name = window.name == "key" ? "key" + std::to_string(window.local->limit()) : window.name;
      checks.push_back({redis_->prefix() + ":" + name + ":" + client, window.local->limit(), window.length});
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

  // Who the windows are of: the principal, whatever header carried its credential, or the
  // peer. A JWT subject is scoped by its issuer when the principal names one.
  static std::string client_key(const HttpRequestInfo& request, const std::optional<Principal>& principal) {
    if (principal && principal->kind == "api_key") return "key:" + principal->id;
    if (principal && principal->kind == "jwt") return "jwt:" + principal->name + "|" + principal->id;
    return "ip:" + request.client_ip;
  }

  // The key's rate_limit_per_hour (0: none, or not a key), read again now and then.
  int hourly_limit(const std::optional<Principal>& principal) {
    if (!principal || principal->kind != "api_key") return 0;
    KeyDirectory* keys = host_.api_keys();
    if (!keys) return 0;
    const auto steady = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(key_limits_mutex_);
      const auto found = key_limits_.find(principal->id);
      if (found != key_limits_.end() && steady - found->second.read_at < kKeyLimitReadAgain) return found->second.limit;
    }
    const auto key = keys->find_key(principal->id);
    const int limit = key ? static_cast<int>(std::clamp<std::int64_t>(key->rate_limit_per_hour, 0, 1'000'000)) : 0;
    std::lock_guard lock(key_limits_mutex_);
    key_limits_[principal->id] = {limit, steady};
    return limit;
  }

  HostServices& host_;
  std::chrono::seconds window_{60};
  std::map<std::string, std::unique_ptr<rate_limit::SlidingWindow>> windows_;
  std::map<std::string, std::shared_ptr<Counter>> rejections_;  // by class
  std::unique_ptr<rate_limit::RedisWindows> redis_;
  std::map<int, std::unique_ptr<rate_limit::SlidingWindow>> hourly_;  // keys' hours, by limit
  std::mutex local_mutex_;
  std::chrono::steady_clock::time_point last_redis_warning_{};
  struct KeyLimit {
    int limit = 0;
    std::chrono::steady_clock::time_point read_at;
  };
  std::mutex key_limits_mutex_;
  std::unordered_map<std::string, KeyLimit> key_limits_;
};

std::shared_ptr<Plugin> make_rate_limit(const nlohmann::json& config, HostServices& host) {
  return std::make_shared<RateLimit>(config, host);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "rate-limit", "1.2.0",
                   "Sliding-window request limits per client and endpoint class (in-process or shared through "
                   "Redis), with X-RateLimit headers",
                   make_rate_limit)
