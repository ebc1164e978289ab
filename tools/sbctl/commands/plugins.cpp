// sbctl plugins list|load|reload|unload|check: the admin API of /admin/plugins.
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "../arguments.hpp"
#include "../exit_codes.hpp"
#include "../session.hpp"
#include "../table.hpp"

namespace sbctl {
namespace {

using nlohmann::json;

struct PluginOptions {
  std::string file;
  std::string name;
  std::string config;
};

// The load/reload body: `file` and `config` when given; a bad --config is a usage error.
tl::expected<json, std::string> plugin_body(const PluginOptions& options, json body) {
  if (!options.file.empty()) body["file"] = options.file;
  if (!options.config.empty()) {
    auto config = parse_json_object(options.config, "--config");
    if (!config) return tl::unexpected(config.error());
    body["config"] = *config;
  }
  return body;
}

std::string text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.is_null() ? "" : value.dump();
}

int list(Session& session) {
  return answer(session.client.get("/admin/plugins", Credential::admin_token), session, [](const json& answer) {
    Table table({{"NAME"},
                 {"KIND"},
                 {"VERSION"},
                 {"API"},
                 {"GENERATION", Align::right},
                 {"STATE"},
                 {"IN_FLIGHT", Align::right},
                 {"FILE"}});
    for (const auto& p : answer.value("plugins", json::array())) {
      table.add_row({text(p["name"]), text(p["kind"]), text(p["version"]), text(p["api_version"]),
                     text(p["generation"]), text(p["state"]), text(p["in_flight"]), text(p["path"])});
    }
    std::fputs(table.render().c_str(), stdout);
  });
}

int load(Session& session, const PluginOptions& options) {
  auto body = plugin_body(options, json::object());
  if (!body) return usage_error(body.error());
  if (!options.name.empty()) (*body)["name"] = options.name;
  return answer(
      session.client.send("POST", "/admin/plugins", Credential::admin_token, *body), session, [](const json& p) {
        std::printf("loaded %s %s (%s, generation %s) from %s\n", text(p["name"]).c_str(), text(p["version"]).c_str(),
                    text(p["kind"]).c_str(), text(p["generation"]).c_str(), text(p["path"]).c_str());
      });
}

int reload(Session& session, const PluginOptions& options) {
  auto body = plugin_body(options, json::object());
  if (!body) return usage_error(body.error());
  const std::string path = "/admin/plugins/" + session.client.escape(options.name) + "/reload";
  return answer(session.client.send("POST", path, Credential::admin_token, *body), session, [](const json& p) {
    std::printf("reloaded %s: %s -> %s (generation %s) in %.1f ms; the old version finishes its requests\n",
                text(p["name"]).c_str(), text(p["previous_version"]).c_str(), text(p["version"]).c_str(),
                text(p["generation"]).c_str(), p.value("reload_ms", 0.0));
  });
}

int unload(Session& session, const PluginOptions& options) {
  const std::string path = "/admin/plugins/" + session.client.escape(options.name);
  return answer(session.client.send("DELETE", path, Credential::admin_token), session,
                [&](const json&) { std::printf("unloaded %s\n", options.name.c_str()); });
}

int check(Session& session, const PluginOptions& options) {
  const Reply reply =
      session.client.send("POST", "/admin/plugins/check", Credential::admin_token, json{{"file", options.file}});
  return answer(reply, session, [&](const json& p) {
    std::printf(
        "name:        %s\nkind:        %s\nversion:     %s\napi version: %s\nabi tag:     %s\nsha256:      %s\n"
        "description: %s\nverdict:     this server would accept it\n",
        text(p["name"]).c_str(), text(p["kind"]).c_str(), text(p["version"]).c_str(), text(p["api_version"]).c_str(),
        text(p["abi_tag"]).c_str(), text(p["sha256"]).c_str(), text(p["description"]).c_str());
    if (p.contains("loaded") && p["loaded"].is_object()) {
      std::printf("note:        \"%s\" %s is loaded: `plugins reload %s --file %s` would replace it\n",
                  text(p["name"]).c_str(), text(p["loaded"]["version"]).c_str(), text(p["name"]).c_str(),
                  options.file.c_str());
    }
  });
}

}  // namespace

void add_plugin_commands(CLI::App& cli, Commands& commands) {
  auto* plugins = cli.add_subcommand("plugins", "List, check, load, reload and unload plugins (admin token)");
  plugins->require_subcommand(1);
  auto options = std::make_shared<PluginOptions>();

  auto* list_command = plugins->add_subcommand("list", "List every loaded plugin version, draining ones too");
  commands.add(list_command, true, list);

  auto* check_command = plugins->add_subcommand(
      "check",
      "Check a plugin file against the server without loading it: versions, ABI and kind are checked as a load "
      "would; its factory and self-check run only on load (exit 1 when it would be refused)");
  check_command->add_option("file", options->file, "File relative to the server's plugin folder")->required();
  commands.add(check_command, true, [options](Session& session) { return check(session, *options); });

  auto* load_command = plugins->add_subcommand("load", "Load a plugin file from the server's plugin folder");
  load_command->add_option("file", options->file, "File relative to the plugin folder")->required();
  load_command->add_option("--name", options->name, "Name to load it as (default: the plugin's own)");
  load_command->add_option("--config", options->config, "Plugin configuration as a JSON object");
  commands.add(load_command, true, [options](Session& session) { return load(session, *options); });

  auto* reload_command =
      plugins->add_subcommand("reload", "Reload a plugin, optionally from another file or with another configuration");
  reload_command->add_option("name", options->name, "Plugin name")->required();
  reload_command->add_option("--file", options->file, "New file relative to the plugin folder");
  reload_command->add_option("--config", options->config, "New plugin configuration as a JSON object");
  commands.add(reload_command, true, [options](Session& session) { return reload(session, *options); });

  auto* unload_command = plugins->add_subcommand("unload", "Unload a plugin (its requests in flight finish first)");
  unload_command->add_option("name", options->name, "Plugin name")->required();
  commands.add(unload_command, true, [options](Session& session) { return unload(session, *options); });
}

}  // namespace sbctl
