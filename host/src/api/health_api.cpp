// GET /health, GET /health/ready, GET /api/provider.
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/database.hpp>

#include "routes.hpp"

namespace switchboard {
namespace {

const ProviderInstanceConfig* default_instance(const Config& config) {
  for (const auto& instance : config.providers) {
    if (instance.name == config.default_provider) return &instance;
  }
  return nullptr;
}

// Whether the default provider can answer: its plugin is loaded, and an upstream that
// needs a key has one.
bool provider_configured(const Config& config, const RegistrySnapshot& plugins) {
  const auto* instance = default_instance(config);
  if (!instance) return false;
  auto provider = plugins.find(instance->plugin);
  if (!provider || !provider->provider) return false;
  if (provider->provider->in_process()) return true;
  const char* key = instance->api_key_env.empty() ? nullptr : std::getenv(instance->api_key_env.c_str());
  return !instance->base_url.empty() && (instance->api_key_env.empty() || (key && *key));
}

}  // namespace

void add_health_routes(Router& router, App& app) {
  router.add("GET", "/health", [&app](const RequestContext& context, const PathParams&) {
    using namespace std::chrono;
    const double now = duration<double>(system_clock::now().time_since_epoch()).count();
    const double uptime = duration<double>(steady_clock::now() - app.started_at()).count();
    return json_response(200, {{"status", "healthy"},
                               {"timestamp", now},
                               {"version", SWITCHBOARD_VERSION},
                               {"request_id", context.request_id},
                               {"environment", app.config().server.environment},
                               {"uptime_seconds", uptime}});
  });

  router.add(
      "GET", "/health/ready",
      [&app](const RequestContext& context, const PathParams&) {
        nlohmann::json checks = nlohmann::json::object();
        bool ready = true;
        // Storage: the data folder is writable and the store answers. The route is public:
        // it says which engine and whether it works, never a path or a connection's text
        // (those go to the log, and GET /admin/... shows them to the admin).
        const bool writable = ::access(app.paths().data_dir.c_str(), W_OK) == 0;
        checks["storage"] = {{"status", writable ? "ok" : "failing"}};
        if (!writable) checks["storage"]["reason"] = "the data folder is not writable";
        if (auto* database = app.database()) {
          checks["storage"]["engine"] = database->dialect() == storage::Dialect::postgres ? "postgresql" : "sqlite";
          try {
            database->query("SELECT 1");
          } catch (const std::exception& e) {
            Logger("health").warn("the store does not answer", {{"error", e.what()}});
            checks["storage"]["status"] = "failing";
            checks["storage"]["reason"] = "the store does not answer";
          }
        }
        ready = ready && checks["storage"]["status"] == "ok";
        nlohmann::json missing = nlohmann::json::array();
        for (const auto& spec : app.config().plugins) {
          if (!context.plugins->find(spec.name)) missing.push_back(spec.name);
        }
        checks["plugins"] = {{"status", missing.empty() ? "ok" : "failing"},
                             {"loaded", context.plugins->plugins.size()},
                             {"missing", missing}};
        ready = ready && missing.empty();
        const bool provider = provider_configured(app.config(), *context.plugins);
        checks["provider"] = {{"status", provider ? "ok" : "failing"}, {"instance", app.config().default_provider}};
        ready = ready && provider;
        return json_response(
            ready ? 200 : 503,
            {{"status", ready ? "ready" : "not_ready"}, {"checks", checks}, {"request_id", context.request_id}});
      },
      RouteThread::worker);  // the store check may wait on the network

  router.add("GET", "/api/provider", [&app](const RequestContext& context, const PathParams&) {
    const auto* instance = default_instance(app.config());
    return json_response(200, {{"provider", instance ? instance->display_name : ""},
                               {"model", instance ? instance->model : ""},
                               {"configured", provider_configured(app.config(), *context.plugins)}});
  });
}

}  // namespace switchboard
