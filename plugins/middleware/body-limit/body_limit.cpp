// Refuses request bodies above a size with 413, before any handler parses them.
// Applies to POST, PUT and PATCH; /health paths are exempt. Both the declared
// Content-Length and the bytes received count. Configuration:
//   max_bytes: default limit, 1024..10485760 (default 1048576)
//   routes:    [{prefix: "/api/context/upload", max_bytes: 10551296}, …] — longest prefix wins;
//              1024..16777216, so an upload route can take a 10 MiB file plus its multipart
//              envelope and answer an oversized file itself
#include <algorithm>
#include <vector>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/middleware.hpp>

namespace {

using namespace switchboard::plugin;

constexpr std::size_t kMinimum = 1024;
constexpr std::size_t kMaximum = 10 * 1024 * 1024;
constexpr std::size_t kRouteMaximum = 16 * 1024 * 1024;  // the server's default hard cap on a request

std::size_t checked_limit(const nlohmann::json& value, const std::string& key, std::size_t maximum) {
  if (!value.is_number_integer()) throw std::invalid_argument(key + " must be an integer");
  const auto limit = value.get<long long>();
  if (limit < static_cast<long long>(kMinimum) || limit > static_cast<long long>(maximum)) {
    throw std::invalid_argument(key + " must be from 1024 to " + std::to_string(maximum) + " bytes, got " +
                                std::to_string(limit));
  }
  return static_cast<std::size_t>(limit);
}

class BodyLimit final : public Middleware {
 public:
  explicit BodyLimit(const nlohmann::json& config) {
    default_limit_ = config.contains("max_bytes") ? checked_limit(config["max_bytes"], "max_bytes", kMaximum) : 1048576;
    if (config.contains("routes")) {
      if (!config["routes"].is_array()) throw std::invalid_argument("routes must be a list");
      for (const auto& route : config["routes"]) {
        if (!route.is_object() || !route.contains("prefix") || !route["prefix"].is_string() ||
            !route.contains("max_bytes"))
          throw std::invalid_argument("each route needs prefix and max_bytes");
        routes_.push_back(
            {route["prefix"].get<std::string>(), checked_limit(route["max_bytes"], "routes.max_bytes", kRouteMaximum)});
      }
      // Longest prefix first, so the most specific route wins.
      std::sort(routes_.begin(), routes_.end(),
                [](const auto& a, const auto& b) { return a.prefix.size() > b.prefix.size(); });
    }
  }

  // The same decision from the declared size, before the body is read at all.
  std::optional<MiddlewareReply> on_headers(const HttpRequestInfo& request) override { return on_request(request); }

  std::optional<MiddlewareReply> on_request(const HttpRequestInfo& request) override {
    if (request.method != "POST" && request.method != "PUT" && request.method != "PATCH") return std::nullopt;
    if (request.path == "/health" || request.path.starts_with("/health/")) return std::nullopt;
    const std::size_t limit = limit_for(request.path);
    std::size_t received = request.body_size;
    if (auto declared = request.header("Content-Length")) {
      try {
        received = std::max<std::size_t>(received, std::stoull(*declared));
      } catch (const std::exception&) {
      }
    }
    if (received <= limit) return std::nullopt;
    return MiddlewareReply{413,
                           "PAYLOAD_TOO_LARGE",
                           "Request body too large. Maximum size: " + std::to_string(limit) +
                               " bytes, received: " + std::to_string(received) + " bytes",
                           {}};
  }

 private:
  struct Route {
    std::string prefix;
    std::size_t limit;
  };

  std::size_t limit_for(const std::string& path) const {
    for (const auto& route : routes_) {
      if (path.starts_with(route.prefix)) return route.limit;
    }
    return default_limit_;
  }

  std::size_t default_limit_ = 1048576;
  std::vector<Route> routes_;
};

std::shared_ptr<Plugin> make_body_limit(const nlohmann::json& config, HostServices&) {
  return std::make_shared<BodyLimit>(config);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::middleware, "body-limit", "1.1.0",
                   "413 for request bodies above a configured size", make_body_limit)
