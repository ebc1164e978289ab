// The admin API for plugins. The admin token is checked by App::handle for all /admin/.
#include <algorithm>
#include <chrono>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/storage/audit_events.hpp>

#include "../canary_monitor.hpp"
#include "../cluster/plugin_sync.hpp"
#include "../plugin_check.hpp"
#include "common.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

Logger& audit() {
  static Logger logger("admin");
  return logger;
}

std::string iso_time(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

nlohmann::json describe(const LoadedPlugin& p, const char* state) {
  return {{"name", p.name},
          {"kind", plugin::to_string(p.kind)},
          {"version", p.version},
          {"api_version", std::to_string(p.api_major) + "." + std::to_string(p.api_minor)},
          {"description", p.description},
          {"sha256", p.sha256},
          {"path", p.file.string()},
          {"private_copy", p.private_copy.string()},
          {"loaded_at", iso_time(p.loaded_at)},
          {"generation", p.generation},
          {"state", state},
          {"in_flight", p.in_flight.load()}};
}

int status_of(const PluginError& error) {
  switch (error.kind) {
    case PluginError::Kind::not_found:
      return 404;
    case PluginError::Kind::duplicate:
      return 409;
    case PluginError::Kind::refused:
      return 422;
    case PluginError::Kind::invalid:
      return 400;
  }
  return 500;
}

const char* code_of(const PluginError& error) {
  switch (error.kind) {
    case PluginError::Kind::not_found:
      return "NOT_FOUND";
    case PluginError::Kind::duplicate:
      return "CONFLICT";
    case PluginError::Kind::refused:
      return "PLUGIN_REFUSED";
    case PluginError::Kind::invalid:
      return "INVALID_REQUEST";
  }
  return "INTERNAL_ERROR";
}

HttpResponse failure(const RequestContext& context, const std::string& action, const std::string& name,
                     const PluginError& error) {
  audit().warn(
      "admin action failed",
      {{"action", action}, {"plugin", name}, {"reason", error.message}, {"client_ip", context.request.client_ip}});
  return error_response(status_of(error), code_of(error), error.message, context.request_id);
}

// Optional text field; a present non-text value is an error.
tl::expected<std::optional<std::string>, HttpResponse> optional_text(const RequestContext& context,
                                                                     const nlohmann::json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::nullopt;
  if (!body[key].is_string() || body[key].get<std::string>().empty()) {
    return tl::unexpected(error_response(400, "INVALID_REQUEST", std::string("\"") + key + "\" must be non-empty text",
                                         context.request_id));
  }
  return body[key].get<std::string>();
}

// The body's "file", which load and check require.
tl::expected<std::string, HttpResponse> required_file(const RequestContext& context, const nlohmann::json& body) {
  auto file = optional_text(context, body, "file");
  if (!file) return tl::unexpected(file.error());
  if (!*file) return tl::unexpected(error_response(400, "INVALID_REQUEST", "\"file\" is required", context.request_id));
  return **file;
}

tl::expected<std::optional<nlohmann::json>, HttpResponse> optional_config(const RequestContext& context,
                                                                          const nlohmann::json& body) {
  if (!body.contains("config") || body["config"].is_null()) return std::nullopt;
  if (!body["config"].is_object()) {
    return tl::unexpected(error_response(400, "INVALID_REQUEST", "\"config\" must be an object", context.request_id));
  }
  return body["config"];
}

// The body of a reload or a canary: an optional "file" and "config" (absent: the current
// version's), and the rest of it.
struct VersionBody {
  nlohmann::json body;
  std::optional<std::string> file;
  std::optional<nlohmann::json> config;
};

tl::expected<VersionBody, HttpResponse> version_body(const RequestContext& context) {
  auto body = json_object_body(context, /*empty_ok=*/true);
  if (!body) return tl::unexpected(body.error());
  auto file = optional_text(context, *body, "file");
  if (!file) return tl::unexpected(file.error());
  auto config = optional_config(context, *body);
  if (!config) return tl::unexpected(config.error());
  return VersionBody{std::move(*body), std::move(*file), std::move(*config)};
}

// A change made here, for the other instances (cluster.plugin_sync); absent parts null.
void share_change(App& app, nlohmann::json change) {
  if (auto* sync = app.plugin_sync()) sync->publish(std::move(change));
}

}  // namespace

// Logs an admin action and, with a store, writes its audit event before the action is
// acknowledged (a store failure is logged; the action has happened and is answered).
void record_admin_action(App& app, const RequestContext& context, const std::string& action, const std::string& target,
                         nlohmann::json details) {
  nlohmann::json fields = details;
  fields["action"] = action;
  fields["plugin"] = target;
  fields["client_ip"] = context.request.client_ip;
  audit().info("admin action", fields);
  if (auto* database = app.database()) {
    try {
      storage::AuditEvent event;
      event.action = action;
      event.actor = "admin@" + context.request.client_ip;
      event.target = target;
      event.details = std::move(details);
      event.request_id = context.request_id;
      storage::AuditEvents(*database).append(event);
    } catch (const std::exception& e) {
      audit().error("audit event not stored", {{"action", action}, {"plugin", target}, {"reason", e.what()}});
    }
  }
}

void add_admin_routes(Router& router, App& app) {
  router.add("GET", "/admin/plugins", [&app](const RequestContext& context, const PathParams&) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& version : app.registry().versions()) {
      auto entry = describe(*version.plugin, version.canary ? "canary" : (version.current ? "active" : "draining"));
      // This request holds its own snapshot of the plugins: count only the others.
      const auto& own = context.plugins->plugins;
      if (std::find(own.begin(), own.end(), version.plugin) != own.end()) {
        entry["in_flight"] = entry["in_flight"].get<std::int64_t>() - 1;
      }
      list.push_back(std::move(entry));
    }
    return json_response(200, {{"plugins", list}});
  });

  router.add(
      "POST", "/admin/plugins",
      [&app](const RequestContext& context, const PathParams&) {
        auto body = json_object_body(context);
        if (!body) return body.error();
        auto file = required_file(context, *body);
        if (!file) return file.error();
        auto name = optional_text(context, *body, "name");
        if (!name) return name.error();
        auto config = optional_config(context, *body);
        if (!config) return config.error();
        auto loaded = app.registry().load(*file, name->value_or(""), config->value_or(nlohmann::json::object()));
        if (!loaded) return failure(context, "load", name->value_or(*file), loaded.error());
        record_admin_action(app, context, "plugin.load", (*loaded)->name,
                            {{"version", (*loaded)->version}, {"file", *file}});
        share_change(app, {{"action", "load"},
                           {"name", (*loaded)->name},
                           {"file", *file},
                           {"config", config->value_or(nlohmann::json())}});
        return json_response(201, describe(**loaded, "active"));
      },
      RouteThread::worker);

  // A dry run of load: the file is opened in this process (its static initialisers run, as
  // they would on load) and its info checked, but its factory is not called and nothing is
  // registered. 200 with what load would register, or the error load would answer.
  router.add(
      "POST", "/admin/plugins/check",
      [&app](const RequestContext& context, const PathParams&) {
        auto body = json_object_body(context);
        if (!body) return body.error();
        auto file = required_file(context, *body);
        if (!file) return file.error();
        // Copies live apart from the registry's, and each goes as soon as its check ends.
        auto checked =
            check_plugin_file(app.registry().plugin_dir(), *file, app.paths().data_dir / "plugin-copies" / "checks");
        if (!checked) return failure(context, "check", *file, checked.error());
        const auto& p = **checked;
        audit().info("plugin checked", {{"plugin", p.name}, {"version", p.version}, {"path", p.file.string()}});
        nlohmann::json loaded = nullptr;
        if (auto current = context.plugins->find(p.name)) {
          loaded = {
              {"version", current->version}, {"path", current->file.string()}, {"generation", current->generation}};
        }
        return json_response(200, {{"file", *file},
                                   {"name", p.name},
                                   {"kind", plugin::to_string(p.kind)},
                                   {"version", p.version},
                                   {"api_version", std::to_string(p.api_major) + "." + std::to_string(p.api_minor)},
                                   {"abi_tag", p.abi_tag},
                                   {"description", p.description},
                                   {"sha256", p.sha256},
                                   {"path", p.file.string()},
                                   {"loaded", loaded}});
      },
      RouteThread::worker);

  router.add(
      "POST", "/admin/plugins/{name}/reload",
      [&app](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.find("name")->second;
        auto asked = version_body(context);
        if (!asked) return asked.error();
        const auto& [body, file, config] = *asked;
        auto previous = context.plugins->find(name);
        const auto started = std::chrono::steady_clock::now();
        auto reloaded = app.registry().reload(name, file, config);
        const double took_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        if (!reloaded) return failure(context, "reload", name, reloaded.error());
        record_admin_action(app, context, "plugin.reload", name,
                            {{"version", (*reloaded)->version},
                             {"previous_version", previous ? previous->version : ""},
                             {"reload_ms", took_ms}});
        share_change(app, {{"action", "reload"},
                           {"name", name},
                           {"file", file ? nlohmann::json(*file) : nlohmann::json()},
                           {"config", config.value_or(nlohmann::json())}});
        auto out = describe(**reloaded, "active");
        out["previous_version"] = previous ? previous->version : "";
        out["reload_ms"] = took_ms;
        return json_response(200, out);
      },
      RouteThread::worker);

  router.add(
      "DELETE", "/admin/plugins/{name}",
      [&app](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.find("name")->second;
        auto removed = app.registry().unload(name);
        if (!removed) return failure(context, "unload", name, removed.error());
        record_admin_action(app, context, "plugin.unload", name, nlohmann::json::object());
        share_change(app, {{"action", "unload"}, {"name", name}});
        return json_response(200, {{"unloaded", name}});
      },
      RouteThread::worker);

  // Canary releases (PluginRegistry::start_canary, CanaryMonitor): start beside the current
  // version with a share of new requests, read how it fares, promote or abort by hand; the
  // monitor rolls it back when it fails its policy. With cluster.plugin_sync every step is
  // made on the other instances too; each judges its own share of traffic, and a rollback on
  // any one aborts the canary everywhere (App).
  router.add(
      "POST", "/admin/plugins/{name}/canary",
      [&app](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.find("name")->second;
        auto asked = version_body(context);
        if (!asked) return asked.error();
        nlohmann::json details = nlohmann::json::array();
        const auto policy = canary_policy_from(asked->body, details);
        if (!details.empty())
          return error_response(422, "VALIDATION_ERROR", "invalid canary policy", context.request_id, details);
        auto started = app.registry().start_canary(name, asked->file, asked->config, policy.share);
        if (!started) return failure(context, "canary", name, started.error());
        app.canary_monitor().start(name, policy);
        app.canary_monitor().count_event(name, "start");
        record_admin_action(app, context, "plugin.canary.start", name,
                            {{"version", (*started)->version}, {"share", policy.share}});
        share_change(app, {{"action", "canary.start"},
                           {"name", name},
                           {"file", asked->file ? nlohmann::json(*asked->file) : nlohmann::json()},
                           {"config", asked->config.value_or(nlohmann::json())},
                           {"policy", asked->body}});
        auto out = describe(**started, "canary");
        out["policy"] = app.canary_monitor().status();
        return json_response(201, out);
      },
      RouteThread::worker);

  router.add("GET", "/admin/plugins/{name}/canary", [&app](const RequestContext& context, const PathParams& params) {
    const std::string& name = params.find("name")->second;
    auto running = app.registry().canary();
    auto status = app.canary_monitor().status();
    if (!running || running->plugin->name != name || status.is_null())
      return error_response(404, "NOT_FOUND", "no canary of \"" + name + "\" is running", context.request_id);
    status["version"] = running->plugin->version;
    return json_response(200, status);
  });

  for (const char* step : {"promote", "abort"}) {
    router.add(
        "POST", std::string("/admin/plugins/{name}/canary/") + step,
        [&app, step = std::string(step)](const RequestContext& context, const PathParams& params) {
          const std::string& name = params.find("name")->second;
          auto done = step == "promote" ? app.registry().promote_canary(name) : app.registry().abort_canary(name);
          if (!done) return failure(context, "canary " + step, name, done.error());
          app.canary_monitor().stop();
          app.canary_monitor().count_event(name, step.c_str());
          record_admin_action(app, context, "plugin.canary." + step, name, {{"version", (*done)->version}});
          share_change(app, {{"action", "canary." + step}, {"name", name}});
          return json_response(200, describe(**done, step == "promote" ? "active" : "draining"));
        },
        RouteThread::worker);
  }
}

}  // namespace switchboard
