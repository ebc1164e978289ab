#pragma once
// Each API area registers its routes on the router.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/http_types.hpp>

namespace switchboard {

class App;
class Router;
struct RequestContext;

void add_health_routes(Router& router, App& app);
void add_admin_routes(Router& router, App& app);
void add_framework_routes(Router& router, App& app);
void add_gateway_routes(Router& router, App& app);
void add_resilience_routes(Router& router, App& app);
void add_cost_routes(Router& router, App& app);
void add_story_routes(Router& router, App& app);
void add_chat_routes(Router& router, App& app);
void add_workflow_routes(Router& router, App& app);
void add_context_routes(Router& router, App& app);
void add_auth_routes(Router& router, App& app);
void add_audit_routes(Router& router, App& app);
void add_analyze_routes(Router& router, App& app);
void add_cache_routes(Router& router, App& app);
void add_job_routes(Router& router, App& app);
void add_text_processing_routes(Router& router, App& app);
void add_registry_routes(Router& router, App& app);  // schemas and templates
void add_logs_routes(Router& router, App& app);
void add_migration_routes(Router& router, App& app);
void add_docs_routes(Router& router, App& app);     // /openapi.json and /docs
void add_console_routes(Router& router, App& app);  // the web console at /

// Logs an admin action and, with a store, writes its audit event before the action is
// acknowledged (a store failure is logged; the action has happened and is answered).
void record_admin_action(App& app, const RequestContext& context, const std::string& action, const std::string& target,
                         nlohmann::json details);

// The request body as a JSON object; an empty body is `{}` when `empty_ok`.
// Anything else answers 400 INVALID_JSON / INVALID_REQUEST.
tl::expected<nlohmann::json, HttpResponse> json_object_body(const RequestContext& context, bool empty_ok = false);

}  // namespace switchboard
