// sbctl keys create|list|revoke: the API keys of /admin/keys.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "../exit_codes.hpp"
#include "../session.hpp"
#include "../table.hpp"

namespace sbctl {
namespace {

using nlohmann::json;

struct KeyOptions {
  std::string name;
  std::string team;
  std::optional<std::int64_t> rate_limit_per_hour;
  std::string expires_at;
  std::optional<double> daily_budget_usd;
  std::optional<double> monthly_budget_usd;
  std::string id;
};

std::string cell(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_float()) return format_usd(value.get<double>());
  return value.dump();
}

int create(Session& session, const KeyOptions& options) {
  json body = {{"name", options.name}};
  if (!options.team.empty()) body["team"] = options.team;
  if (options.rate_limit_per_hour) body["rate_limit_per_hour"] = *options.rate_limit_per_hour;
  if (!options.expires_at.empty()) body["expires_at"] = options.expires_at;
  if (options.daily_budget_usd) body["daily_budget_usd"] = *options.daily_budget_usd;
  if (options.monthly_budget_usd) body["monthly_budget_usd"] = *options.monthly_budget_usd;
  return answer(session.client.send("POST", "/admin/keys", Credential::admin_token, body), session,
                [](const json& key) {
                  // The key alone on stdout, so `KEY=$(sbctl keys create ci)` keeps it; the rest on stderr.
                  std::cerr << "created key " << cell(key["id"]) << " \"" << cell(key["name"])
                            << "\"; it is shown this once (the server keeps only its SHA-256)\n";
                  std::cout << cell(key["key"]) << "\n";
                });
}

int list(Session& session) {
  return answer(session.client.get("/admin/keys", Credential::admin_token), session, [](const json& answer) {
    Table table({{"ID"},
                 {"NAME"},
                 {"TEAM"},
                 {"ACTIVE"},
                 {"CREATED"},
                 {"EXPIRES"},
                 {"PER_HOUR", Align::right},
                 {"DAILY_USD", Align::right},
                 {"MONTHLY_USD", Align::right}});
    for (const auto& key : answer.value("keys", json::array())) {
      table.add_row({cell(key["id"]), cell(key["name"]), key.value("team", "").empty() ? "-" : cell(key["team"]),
                     cell(key["active"]), cell(key["created_at"]), cell(key["expires_at"]),
                     cell(key["rate_limit_per_hour"]), cell(key["daily_budget_usd"]), cell(key["monthly_budget_usd"])});
    }
    std::fputs(table.render().c_str(), stdout);
  });
}

int revoke(Session& session, const KeyOptions& options) {
  return answer(
      session.client.send("DELETE", "/admin/keys/" + session.client.escape(options.id), Credential::admin_token),
      session, [&](const json&) { std::printf("revoked key %s\n", options.id.c_str()); });
}

}  // namespace

void add_key_commands(CLI::App& cli, Commands& commands) {
  auto* keys = cli.add_subcommand("keys", "Create, list and revoke API keys (admin token)");
  keys->require_subcommand(1);
  auto options = std::make_shared<KeyOptions>();

  auto* create_command = keys->add_subcommand(
      "create", "Create an API key; prints the key (sk_...) alone on stdout: the server never shows it again");
  create_command->add_option("name", options->name, "What the key is for (1-100 characters)")->required();
  create_command->add_option("--team", options->team, "Team the key belongs to");
  create_command->add_option("--rate-limit", options->rate_limit_per_hour, "Requests per hour (1-1000000)");
  create_command->add_option("--expires-at", options->expires_at, "Expiry, ISO-8601 UTC (2027-01-01T00:00:00Z)");
  create_command->add_option("--daily-budget", options->daily_budget_usd, "Daily budget in US dollars");
  create_command->add_option("--monthly-budget", options->monthly_budget_usd, "Monthly budget in US dollars");
  commands.add(create_command, true, [options](Session& session) { return create(session, *options); });

  auto* list_command = keys->add_subcommand("list", "List keys (never the keys themselves)");
  commands.add(list_command, true, list);

  auto* revoke_command = keys->add_subcommand("revoke", "Revoke a key: requests with it are refused from now on");
  revoke_command->add_option("id", options->id, "Key id (see keys list)")->required();
  commands.add(revoke_command, true, [options](Session& session) { return revoke(session, *options); });
}

}  // namespace sbctl
