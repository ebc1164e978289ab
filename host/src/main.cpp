// switchboard: serve (HTTP, or MCP on stdio), and inspect plugins.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <switchboard/admin_token.hpp>
#include <switchboard/app.hpp>
#include <switchboard/config.hpp>
#include <switchboard/http_server.hpp>
#include <switchboard/log.hpp>
#include <switchboard/plugin_registry.hpp>
#include <switchboard/storage/database.hpp>
#include <switchboard/storage/migrations.hpp>
#include <switchboard/storage/retention.hpp>

#include "mcp/stdio_transport.hpp"
#include "request_guards.hpp"

namespace {

namespace fs = std::filesystem;
using namespace switchboard;

struct ServeOptions {
  std::optional<std::string> config_file;
  std::optional<std::string> host;
  std::optional<std::uint16_t> port;
  std::optional<std::string> data_dir;
  std::optional<std::string> plugin_dir;
};

// The configuration with the command line's overrides, and its data folder made; nothing
// when it is invalid (the reason is printed).
std::optional<Config> effective_config(const ServeOptions& options) {
  auto loaded = load_config(options.config_file, process_environment());
  if (!loaded) {
    std::fprintf(stderr, "switchboard: invalid configuration: %s\n", loaded.error().to_string().c_str());
    return std::nullopt;
  }
  Config config = std::move(*loaded);
  if (options.host) config.server.host = *options.host;
  if (options.port) config.server.port = *options.port;
  if (options.data_dir) config.paths.data_dir = *options.data_dir;
  if (options.plugin_dir) config.paths.plugin_dir = *options.plugin_dir;
  std::error_code error;
  fs::create_directories(config.paths.data_dir, error);
  if (error) {
    std::fprintf(stderr, "switchboard: paths.data_dir: cannot create %s: %s\n", config.paths.data_dir.c_str(),
                 error.message().c_str());
    return std::nullopt;
  }
  return config;
}

// What every command that builds an App needs: the configuration (logging set up from it),
// its paths, the admin token and the store migrated to this binary's schema. Nothing when
// one of them cannot be had (the reason is printed or logged; logging is shut down again).
struct AppParts {
  Config config;
  ResolvedPaths paths;
  std::string admin_token;
  std::shared_ptr<storage::Database> database;
};

std::optional<AppParts> app_parts(const ServeOptions& options, const std::string& component) {
  auto config = effective_config(options);
  if (!config) return std::nullopt;
  logging::init(config->logging);
  Logger log(component);
  ResolvedPaths paths = resolve_paths(*config);
  auto token = resolve_admin_token(config->server.admin_token, paths.data_dir);
  if (!token) {
    log.error("cannot set up the admin token", {{"reason", token.error()}});
    logging::shutdown();
    return std::nullopt;
  }
  if (token->generated)
    log.info("admin token generated", {{"path", token->file.string()}});
  else if (!token->file.empty())
    log.info("admin token read", {{"path", token->file.string()}});
  try {
    auto database = storage::open_database(config->storage.url, config->paths.data_dir);
    storage::Migrator migrator(*database);
    const int applied = migrator.up();
    log.info("storage ready", {{"store", database->description()},
                               {"schema_version", migrator.current_version()},
                               {"migrations_applied", applied}});
    return AppParts{std::move(*config), std::move(paths), token->token, std::move(database)};
  } catch (const storage::StorageError& e) {
    log.error("storage unavailable", {{"reason", e.what()}});
    logging::shutdown();
    return std::nullopt;
  }
}

int serve(const ServeOptions& options) {
  // Signals are taken by sigwait below; block them before any thread starts so none of
  // Pistache's threads dies of them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto parts = app_parts(options, "server");
  if (!parts) return 2;
  const Config& config = parts->config;
  const ResolvedPaths& paths = parts->paths;
  Logger log("server");

  int status = 0;
  {
    App app(config, paths, parts->admin_token, parts->database);
    const int refused = app.load_configured_plugins();
    app.start_jobs();
    app.start_plugin_sync();
    log.info("plugins loaded", {{"plugin_dir", paths.plugin_dir.string()},
                                {"loaded", app.registry().snapshot()->plugins.size()},
                                {"refused", refused}});
    if (!loopback_listener(config.server.host)) {
      // Safe by default: nobody on the network gets in without a credential.
      const bool auth_on = std::count(config.middleware.begin(), config.middleware.end(), "auth") > 0 &&
                           app.registry().snapshot()->find("auth");
      if (!auth_on && !config.server.allow_unauthenticated) {
        log.error(
            "refusing to listen beyond loopback without authentication: load the `auth` plugin and list it "
            "under middleware, or set server.allow_unauthenticated: true",
            {{"host", config.server.host}});
        return 2;
      }
      if (!auth_on) log.warn("listening beyond loopback without authentication", {{"host", config.server.host}});
    }
    HttpServer server(app,
                      {config.server.host, config.server.port, config.server.threads, config.server.max_request_bytes,
                       config.server.drain_seconds, std::chrono::seconds(config.server.header_timeout_seconds),
                       std::chrono::seconds(config.server.body_timeout_seconds)});
    try {
      server.start();
    } catch (const std::exception& e) {
      log.error("cannot listen", {{"host", config.server.host}, {"port", config.server.port}, {"reason", e.what()}});
      logging::shutdown();
      return 1;
    }
    log.info("listening", {{"host", config.server.host},
                           {"port", server.port()},
                           {"environment", config.server.environment},
                           {"version", SWITCHBOARD_VERSION}});
    int received = 0;
    sigwait(&signals, &received);
    log.info("shutting down: draining requests in flight", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
    server.stop();
    log.info("stopped");
  }
  logging::shutdown();
  return status;
}

// switchboard mcp: the MCP server on stdin/stdout, on the same App as `serve` without a
// listener. Stored jobs are left to the servers: a client may end this process at any time.
int mcp_stdio(const ServeOptions& options) {
  // Protocol messages get their own descriptor; whatever else writes to stdout (a library,
  // a plugin) lands on stderr instead of corrupting the protocol.
  const int protocol_out = ::dup(STDOUT_FILENO);
  if (protocol_out < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::fprintf(stderr, "switchboard: cannot set up stdout for MCP\n");
    return 1;
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up ends the loop, not the process
  auto parts = app_parts(options, "mcp");
  if (!parts) return 2;
  Logger log("mcp");
  int status = 0;
  {
    App app(parts->config, parts->paths, parts->admin_token, parts->database);
    const int refused = app.load_configured_plugins();
    log.info("serving MCP on stdio", {{"plugin_dir", parts->paths.plugin_dir.string()},
                                      {"loaded", app.registry().snapshot()->plugins.size()},
                                      {"refused", refused}});
    status = mcp::serve_stdio(app, STDIN_FILENO, protocol_out);
  }
  logging::shutdown();
  return status;
}

// switchboard migrate up [N] | down [N] | status
int migrate(const ServeOptions& options, const std::string& action, std::optional<int> steps) {
  auto config = effective_config(options);
  if (!config) return 2;
  try {
    auto database = storage::open_database(config->storage.url, config->paths.data_dir, 1);
    storage::Migrator migrator(*database);
    if (action == "up") {
      const int applied = migrator.up(steps);
      std::printf("applied %d migration(s); schema version %d\n", applied, migrator.current_version());
    } else if (action == "down") {
      const int reverted = migrator.down(steps.value_or(1));
      std::printf("reverted %d migration(s); schema version %d\n", reverted, migrator.current_version());
    } else {
      std::printf("store: %s\nschema version: %d (this switchboard knows up to %d)\n", database->description().c_str(),
                  migrator.current_version(), migrator.latest_version());
      for (const auto& state : migrator.status()) {
        std::printf("%04d %-24s %s\n", state.migration.version, state.migration.name.c_str(),
                    state.applied ? ("applied " + state.applied_at).c_str() : "pending");
      }
    }
    return 0;
  } catch (const storage::StorageError& e) {
    std::fprintf(stderr, "switchboard: %s\n", e.what());
    return 1;
  }
}

// switchboard retention run: applies the retention rules once, now.
int retention(const ServeOptions& options) {
  auto config = effective_config(options);
  if (!config) return 2;
  try {
    auto database = storage::open_database(config->storage.url, config->paths.data_dir, 1);
    if (storage::Migrator(*database).current_version() == 0) {
      std::fprintf(stderr, "switchboard: the store has no schema yet (run: switchboard migrate up)\n");
      return 1;
    }
    for (const auto& [table, count] : storage::apply_retention(*database, config->retention)) {
      std::printf("%-20s %lld deleted\n", table.c_str(), static_cast<long long>(count));
    }
    return 0;
  } catch (const storage::StorageError& e) {
    std::fprintf(stderr, "switchboard: %s\n", e.what());
    return 1;
  }
}

int check_plugin(const std::string& file) {
  const fs::path private_dir = fs::temp_directory_path() / ("switchboard-check-" + std::to_string(::getpid()));
  auto inspected = PluginRegistry::inspect(file, private_dir);
  std::error_code ignored;
  int status = 0;
  if (!inspected) {
    std::printf("refused: %s\n", inspected.error().message.c_str());
    status = 1;
  } else {
    const auto& p = **inspected;
    std::printf(
        "name:        %s\nkind:        %s\nversion:     %s\napi version: %d.%d\nabi tag:     %s\n"
        "sha256:      %s\ndescription: %s\nverdict:     this host would load it\n",
        p.name.c_str(), plugin::to_string(p.kind), p.version.c_str(), p.api_major, p.api_minor, p.abi_tag.c_str(),
        p.sha256.c_str(), p.description.c_str());
  }
  inspected = {};
  fs::remove_all(private_dir, ignored);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Switchboard: a plugin-based server for LLM applications"};
  cli.set_version_flag("--version", SWITCHBOARD_VERSION);
  cli.require_subcommand(1);

  ServeOptions serve_options;
  auto* serve_command = cli.add_subcommand("serve", "Start the HTTP server");
  serve_command->add_option("--config", serve_options.config_file, "YAML file overlaying the embedded defaults")
      ->check(CLI::ExistingFile);
  serve_command->add_option("--host", serve_options.host, "Address to bind (default 127.0.0.1)");
  serve_command->add_option("--port", serve_options.port, "Port to bind, 0 for any free one (default 8000)");
  serve_command->add_option("--data-dir", serve_options.data_dir, "Folder for data (default ./data)");
  serve_command->add_option("--plugin-dir", serve_options.plugin_dir,
                            "Folder of plugin .so files (default build/plugins next to the binary)");

  ServeOptions mcp_options;
  auto* mcp_command = cli.add_subcommand("mcp", "Serve MCP (Model Context Protocol) on stdin/stdout");
  mcp_command->add_option("--config", mcp_options.config_file, "YAML file overlaying the embedded defaults")
      ->check(CLI::ExistingFile);
  mcp_command->add_option("--data-dir", mcp_options.data_dir, "Folder for data (default ./data)");
  mcp_command->add_option("--plugin-dir", mcp_options.plugin_dir,
                          "Folder of plugin .so files (default build/plugins next to the binary)");

  auto* plugins_command = cli.add_subcommand("plugins", "Inspect plugins");
  plugins_command->require_subcommand(1);
  std::string check_file;
  auto* check_command = plugins_command->add_subcommand(
      "check", "Print a plugin's info and whether this host would load it (exit 1 if not)");
  check_command->add_option("file", check_file, "Path of the plugin .so")->required();

  ServeOptions migrate_options;
  std::string migrate_action;
  std::optional<int> migrate_steps;
  auto* migrate_command = cli.add_subcommand("migrate", "Apply, revert or list schema migrations of the store");
  migrate_command->add_option("action", migrate_action, "up, down or status")
      ->required()
      ->check(CLI::IsMember({"up", "down", "status"}));
  migrate_command->add_option("steps", migrate_steps, "How many steps (up: all pending, down: 1)")
      ->check(CLI::PositiveNumber);
  migrate_command->add_option("--config", migrate_options.config_file, "YAML file overlaying the embedded defaults")
      ->check(CLI::ExistingFile);
  migrate_command->add_option("--data-dir", migrate_options.data_dir, "Folder for data (default ./data)");

  ServeOptions retention_options;
  auto* retention_command = cli.add_subcommand("retention", "Apply the retention rules of the configuration");
  retention_command->require_subcommand(1);
  auto* retention_run = retention_command->add_subcommand("run", "Delete what is older than its retention, now");
  retention_run->add_option("--config", retention_options.config_file, "YAML file overlaying the embedded defaults")
      ->check(CLI::ExistingFile);
  retention_run->add_option("--data-dir", retention_options.data_dir, "Folder for data (default ./data)");

  CLI11_PARSE(cli, argc, argv);
  if (*serve_command) return serve(serve_options);
  if (*mcp_command) return mcp_stdio(mcp_options);
  if (*migrate_command) return migrate(migrate_options, migrate_action, migrate_steps);
  if (*retention_run) return retention(retention_options);
  if (*check_command) return check_plugin(check_file);
  return 0;
}
