// sbctl migrate status|up through the admin API. Reverting stays local (`switchboard migrate
// down`): a down step drops tables the running server uses, so it is not offered over HTTP.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "../exit_codes.hpp"
#include "../session.hpp"
#include "../table.hpp"

namespace sbctl {
namespace {

using nlohmann::json;

constexpr const char* kDownIsLocal =
    "migrate down is not offered over the API: a down step drops tables the running server uses. Stop the server "
    "and run `switchboard migrate down [N] --config FILE` on its host";

void print_schema(const json& schema) {
  std::printf("store:          %s\nschema version: %d (this server knows up to %d), %d pending\n\n",
              schema.value("store", "?").c_str(), schema.value("current_version", 0), schema.value("latest_version", 0),
              schema.value("pending", 0));
  Table table({{"VERSION", Align::right}, {"NAME"}, {"STATE"}, {"APPLIED_AT"}});
  for (const auto& step : schema.value("migrations", json::array())) {
    const bool applied = step.value("applied", false);
    table.add_row({std::to_string(step.value("version", 0)), step.value("name", "?"), applied ? "applied" : "pending",
                   applied ? step.value("applied_at", "?") : "-"});
  }
  std::fputs(table.render().c_str(), stdout);
}

int status(Session& session) {
  return answer(session.client.get("/admin/migrations", Credential::admin_token), session, print_schema);
}

int up(Session& session, std::optional<int> steps) {
  json body = json::object();
  if (steps) body["steps"] = *steps;
  return answer(session.client.send("POST", "/admin/migrations/up", Credential::admin_token, body), session,
                [](const json& schema) {
                  std::printf("applied %d migration(s)\n", schema.value("applied", 0));
                  print_schema(schema);
                });
}

}  // namespace

void add_migrate_commands(CLI::App& cli, Commands& commands) {
  auto* migrate = cli.add_subcommand(
      "migrate",
      "The store's schema migrations through the server (admin token): status and up. Reverting is local: stop the "
      "server and run `switchboard migrate down [N]` on its host");
  migrate->require_subcommand(1);
  auto steps = std::make_shared<std::optional<int>>();

  commands.add(migrate->add_subcommand("status", "List each migration step, applied or pending"), true, status);

  auto* up_command = migrate->add_subcommand(
      "up", "Apply the pending steps (the server also applies them when it starts); exit 1 if one fails");
  up_command->add_option("steps", *steps, "How many steps (default: all pending)")->check(CLI::PositiveNumber);
  commands.add(up_command, true, [steps](Session& session) { return up(session, *steps); });

  // Named, with its usual arguments, so that asking for it explains where it lives rather
  // than failing with "unknown command".
  auto* down_command = migrate->add_subcommand("down", "Not over the API: run `switchboard migrate down` locally");
  auto down_arguments = std::make_shared<std::vector<std::string>>();
  down_command->add_option("arguments", *down_arguments, "(as switchboard migrate down takes them)");
  // The capture keeps the vector the parser writes into alive; its contents do not matter.
  commands.add(down_command, false, [down_arguments](Session&) { return usage_error(kDownIsLocal); });
}

}  // namespace sbctl
