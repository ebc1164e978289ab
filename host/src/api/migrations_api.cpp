// The store's schema through the admin API, for operators who reach the server but not its
// host (sbctl migrate): GET /admin/migrations lists every step this binary knows and whether
// it is applied; POST /admin/migrations/up applies the pending ones (all, or `steps`).
// Reverting is not offered here: a down step drops tables that the running server uses, so it
// stays `switchboard migrate down`, run beside a stopped server.
#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/database.hpp>
#include <switchboard/storage/migrations.hpp>

#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

json schema_json(storage::Database& database, storage::Migrator& migrator) {
  json steps = json::array();
  int pending = 0;
  for (const auto& state : migrator.status()) {
    if (!state.applied) ++pending;
    steps.push_back({{"version", state.migration.version},
                     {"name", state.migration.name},
                     {"applied", state.applied},
                     {"applied_at", state.applied ? json(state.applied_at) : json(nullptr)}});
  }
  return {{"store", database.description()},
          {"current_version", migrator.current_version()},
          {"latest_version", migrator.latest_version()},
          {"pending", pending},
          {"migrations", steps}};
}

HttpResponse migration_failed(const RequestContext& context, const storage::StorageError& error) {
  return error_response(500, "MIGRATION_FAILED", error.what(), context.request_id);
}

}  // namespace

void add_migration_routes(Router& router, App& app) {
  router.add(
      "GET", "/admin/migrations",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        try {
          storage::Migrator migrator(*app.database());
          return json_response(200, schema_json(*app.database(), migrator));
        } catch (const storage::StorageError& e) {
          return migration_failed(context, e);
        }
      },
      RouteThread::worker);

  router.add(
      "POST", "/admin/migrations/up",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        auto body = json_object_body(context, /*empty_ok=*/true);
        if (!body) return body.error();
        std::optional<int> steps;
        if (body->contains("steps") && !(*body)["steps"].is_null()) {
          const auto& value = (*body)["steps"];
          if (!value.is_number_integer() || value.get<std::int64_t>() < 1 || value.get<std::int64_t>() > 10'000) {
            return error_response(400, "INVALID_REQUEST", "invalid request", context.request_id,
                                  json::array({{{"field", "steps"}, {"message", "a whole number from 1 to 10000"}}}));
          }
          steps = value.get<int>();
        }
        try {
          storage::Migrator migrator(*app.database());
          const int applied = migrator.up(steps);
          record_admin_action(app, context, "schema.migrate_up", "schema",
                              {{"applied", applied}, {"version", migrator.current_version()}});
          json out = schema_json(*app.database(), migrator);
          out["applied"] = applied;
          return json_response(200, out);
        } catch (const storage::StorageError& e) {
          return migration_failed(context, e);
        }
      },
      RouteThread::worker);
}

}  // namespace switchboard
