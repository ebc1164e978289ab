// The response cache's admin side (seed 002's internal API), admin token required like every
// /internal/ route: GET /internal/cache/status — hits, misses, hit rate, entries, bytes, cost
// saved, backend; POST /internal/cache/invalidate — drops the entries whose names
// ("<provider>:<model>:<sha256>") match `pattern`, a glob (body or query; default "*").
#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>

#include "../cache/response_cache.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxPatternBytes = 512;

HttpResponse invalidate(App& app, const RequestContext& context) {
  auto body = json_object_body(context, true);
  if (!body) return body.error();
  std::string pattern = context.request.query_param("pattern").value_or("*");
  if (body->contains("pattern")) {
    if (!(*body)["pattern"].is_string()) {
      return error_response(400, "INVALID_REQUEST", "pattern must be text", context.request_id,
                            json::array({{{"field", "pattern"}, {"message", "a glob such as \"mock:*\""}}}));
    }
    pattern = (*body)["pattern"].get<std::string>();
  }
  if (pattern.empty() || pattern.size() > kMaxPatternBytes) {
    return error_response(400, "INVALID_REQUEST", "pattern must be 1 to 512 bytes", context.request_id,
                          json::array({{{"field", "pattern"}, {"message", "1 to 512 bytes"}}}));
  }
  const auto removed = app.response_cache().invalidate(pattern);
  return json_response(200, {{"pattern", pattern}, {"invalidated", removed}, {"request_id", context.request_id}});
}

}  // namespace

void add_cache_routes(Router& router, App& app) {
  router.add(
      "GET", "/internal/cache/status",
      [&app](const RequestContext& context, const PathParams&) {
        json status = app.response_cache().status();
        status["request_id"] = context.request_id;
        return json_response(200, status);
      },
      RouteThread::worker);
  router.add(
      "POST", "/internal/cache/invalidate",
      [&app](const RequestContext& context, const PathParams&) { return invalidate(app, context); },
      RouteThread::worker);
}

}  // namespace switchboard
