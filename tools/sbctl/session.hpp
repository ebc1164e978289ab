#pragma once
// What every command gets, how it reports, and how commands are registered.
//
// Output rules: with --json, stdout holds exactly one JSON document — the server's answer
// (its error too), or an object sbctl builds — and nothing else; without, stdout holds the
// human form. Errors always go to stderr as one line naming the server's error.code and
// error.message (never a credential).

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_client.hpp"

namespace CLI {
class App;
}

namespace sbctl {

struct Session {
  ServerClient& client;
  bool json = false;
};

// Pretty JSON and a newline on stdout.
void print_json(const nlohmann::json& value);

// Reports a reply that is not a success — on stderr, and with --json as JSON on stdout —
// and returns its exit code: kUnreachable without an HTTP answer, else kServerError.
int report_failure(const Reply& reply, const Session& session);

// The common end of a command: a failed reply is reported; a successful one is printed as JSON
// with --json, else by `human`. Returns the exit code.
int answer(const Reply& reply, const Session& session, const std::function<void(const nlohmann::json&)>& human);

// Prints "sbctl: <message>" on stderr and returns kUsage.
int usage_error(const std::string& message);

using Action = std::function<int(Session&)>;

struct Command {
  const CLI::App* app;
  bool needs_admin_token;
  Action action;
};

class Commands {
 public:
  void add(const CLI::App* app, bool needs_admin_token, Action action);
  // The command whose subcommand the user named; nullptr when none was.
  const Command* chosen() const;

 private:
  std::vector<Command> commands_;
};

// Each command group registers its subcommands under `cli`.
void add_health_command(CLI::App& cli, Commands& commands);
void add_plugin_commands(CLI::App& cli, Commands& commands);
void add_key_commands(CLI::App& cli, Commands& commands);
void add_usage_command(CLI::App& cli, Commands& commands);
void add_migrate_commands(CLI::App& cli, Commands& commands);
void add_job_commands(CLI::App& cli, Commands& commands);

}  // namespace sbctl
