// sbctl: the command line of a running Switchboard server, over its admin and public APIs.
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "arguments.hpp"
#include "exit_codes.hpp"
#include "http_client.hpp"
#include "session.hpp"

namespace {

constexpr const char* kFooter = R"text(
Credentials: admin commands (plugins, keys, migrate) send the admin token, from --token,
else --token-file, else $SWITCHBOARD_ADMIN_TOKEN, else ./data/admin.token (where a server
started in this folder writes it). Prefer the file or the variable: --token is visible to
other users in the process list. Public routes (usage, jobs, health) send --api-key
($SWITCHBOARD_API_KEY) as X-API-Key when the server's `auth` middleware wants one.

Output: --json (anywhere on the line) prints one JSON document on stdout and nothing else:
the server's answer, its error object, or {"error": {"code": "UNREACHABLE", ...}}. Errors go
to stderr as "sbctl: server answered <status> <code>: <message> (request <id>)".

Exit codes:
  0  success
  1  the server answered an error (non-2xx: a refused plugin check, a bad token, ...),
     an answer sbctl cannot read, or health found it not ready
  2  usage error: bad arguments, no admin token, unreadable --token-file or bad JSON
  3  the server could not be reached (connection refused, name not resolved, timeout)
  4  jobs submit --wait: the job failed, or did not finish within --timeout
)text";

struct GlobalOptions {
  std::string url = "http://127.0.0.1:8000";
  std::string token;
  std::optional<std::string> token_file;
  std::string api_key;
  bool json = false;
};

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sbctl;
  CLI::App cli{"sbctl: administer a running Switchboard server", "sbctl"};
  cli.footer(kFooter);
  // Global options are taken after the command too: `sbctl plugins list --json`.
  cli.fallthrough();
  cli.require_subcommand(1);

  GlobalOptions global;
  cli.add_option("--url", global.url, "Server base URL ($SWITCHBOARD_URL)")
      ->envname("SWITCHBOARD_URL")
      ->capture_default_str();
  auto* token = cli.add_option("--token", global.token, "Admin token (prefer --token-file or the variable)");
  cli.add_option("--token-file", global.token_file, "File whose first line is the admin token")->excludes(token);
  cli.add_option("--api-key", global.api_key, "API key for public routes ($SWITCHBOARD_API_KEY)")
      ->envname("SWITCHBOARD_API_KEY");
  cli.add_flag("--json", global.json, "Print the answer as JSON, nothing else on stdout");

  Commands commands;
  add_health_command(cli, commands);
  add_plugin_commands(cli, commands);
  add_key_commands(cli, commands);
  add_usage_command(cli, commands);
  add_migrate_commands(cli, commands);
  add_job_commands(cli, commands);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every other parse error is a usage error.
    return cli.exit(e) == 0 ? kOk : kUsage;
  }
  const Command* command = commands.chosen();
  if (!command) return usage_error("no command given (see --help)");

  std::string admin_token;
  if (command->needs_admin_token) {
    auto resolved = resolve_admin_token(
        {global.token, global.token_file, environment("SWITCHBOARD_ADMIN_TOKEN"), "data/admin.token"});
    if (!resolved) return usage_error(resolved.error());
    if (resolved->empty()) {
      return usage_error("no admin token: give --token-file, $SWITCHBOARD_ADMIN_TOKEN or --token");
    }
    admin_token = std::move(*resolved);
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  int status = kOk;
  {
    ServerClient client(global.url, admin_token, global.api_key);
    Session session{client, global.json};
    try {
      status = command->action(session);
    } catch (const nlohmann::json::exception& e) {
      // A 2xx answer whose fields have other types than this sbctl knows: another version.
      std::cerr << "sbctl: the server's answer is not what this sbctl expects (another version?): " << e.what() << "\n";
      status = kServerError;
    }
  }
  curl_global_cleanup();
  return status;
}
