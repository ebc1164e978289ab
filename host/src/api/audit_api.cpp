// The audit trail: GET /internal/audit (and GET /admin/audit, its older name), admin token
// required like every /internal/ and /admin/ route. Filters: action (exact, or a prefix
// ending in "." such as "auth."), actor, request_id, since and until (ISO-8601 UTC), limit
// (1–10 000, default 100). Newest first. Events queued a moment ago are stored first, so a
// caller sees what it has just caused.

#include <re2/re2.h>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/audit_events.hpp>

#include "../audit_log.hpp"
#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

HttpResponse audit_events(App& app, const RequestContext& context) {
  if (!app.database()) return no_store(context);
  nlohmann::json details = nlohmann::json::array();
  storage::AuditQuery query;
  query.limit = int_param(context, "limit", 100, 1, 10000, details);
  query.action = context.request.query_param("action").value_or("");
  query.actor = context.request.query_param("actor").value_or("");
  query.request_id = context.request.query_param("request_id").value_or("");
  static const RE2 iso(R"(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z?)?)");
  for (auto [name, target] : {std::pair{"since", &query.since}, std::pair{"until", &query.until}}) {
    *target = context.request.query_param(name).value_or("");
    if (!target->empty() && !RE2::FullMatch(*target, iso)) {
      details.push_back({{"field", name}, {"message", "an ISO-8601 UTC time, e.g. 2026-11-22T10:00:00Z"}});
    }
  }
  if (!details.empty()) {
    return error_response(422, "VALIDATION_ERROR", "invalid query parameters", context.request_id, details);
  }
  app.audit().flush();
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : storage::AuditEvents(*app.database()).find(query)) {
    events.push_back({{"id", e.id},
                      {"action", e.action},
                      {"actor", e.actor},
                      {"target", e.target},
                      {"details", e.details},
                      {"request_id", e.request_id},
                      {"created_at", e.created_at}});
  }
  return json_response(200, {{"events", events}});
}

}  // namespace

void add_audit_routes(Router& router, App& app) {
  for (const char* path : {"/internal/audit", "/admin/audit"}) {
    router.add(
        "GET", path, [&app](const RequestContext& context, const PathParams&) { return audit_events(app, context); },
        RouteThread::worker);
  }
}

}  // namespace switchboard
