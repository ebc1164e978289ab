// The internal resilience API (admin token, like /admin/): breaker states, resets, presets.
#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/resilience.hpp>

#include "../provider_router.hpp"
#include "routes.hpp"

namespace switchboard {

void add_resilience_routes(Router& router, App& app) {
  router.add("GET", "/internal/resilience/health", [&app](const RequestContext&, const PathParams&) {
    auto breakers = app.provider_router().breakers();
    int open = 0;
    for (const auto& [name, breaker] : breakers.items()) open += breaker["state"] == "open" ? 1 : 0;
    const bool all_open = open > 0 && open == static_cast<int>(breakers.size());
    return json_response(200, {{"status", open == 0 ? "healthy" : (all_open ? "unhealthy" : "degraded")},
                               {"preset", app.provider_router().policy().preset},
                               {"instances", breakers.size()},
                               {"open_circuit_breakers", open}});
  });
  router.add("GET", "/internal/resilience/circuit-breakers", [&app](const RequestContext&, const PathParams&) {
    return json_response(200, {{"circuit_breakers", app.provider_router().breakers()}});
  });
  router.add("POST", "/internal/resilience/circuit-breakers/{instance}/reset",
             [&app](const RequestContext& context, const PathParams& params) {
               const std::string& instance = params.find("instance")->second;
               if (!app.provider_router().reset_breaker(instance)) {
                 return error_response(404, "NOT_FOUND", "no provider instance \"" + instance + "\"",
                                       context.request_id);
               }
               Logger("admin").info("circuit breaker reset",
                                    {{"instance", instance}, {"client_ip", context.request.client_ip}});
               return json_response(200, {{"instance", instance}, {"state", "closed"}});
             });
  router.add("GET", "/internal/resilience/config/presets", [&app](const RequestContext&, const PathParams&) {
    nlohmann::json presets = nlohmann::json::object();
    for (const auto& name : preset_names()) presets[name] = preset_policy(name)->to_json();
    return json_response(200, {{"presets", presets}, {"active", app.provider_router().policy().to_json()}});
  });
}

}  // namespace switchboard
