// sbctl health: GET /health and GET /health/ready. Exit 0 only when the server is ready; a
// 503 from /health/ready (a failing check) is exit 1, with the failing checks on stderr.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "../exit_codes.hpp"
#include "../session.hpp"

namespace sbctl {
namespace {

int health(Session& session) {
  const Reply health = session.client.get("/health", Credential::api_key);
  if (!health.ok()) return report_failure(health, session);
  const Reply ready = session.client.get("/health/ready", Credential::api_key);
  // 503 is the readiness answer itself (not_ready with its checks), not an error object.
  const bool ready_answered = ready.answered() && !ready.json.is_discarded() && ready.json.contains("checks");
  if (!ready_answered) return report_failure(ready, session);
  if (session.json) {
    print_json({{"health", health.json}, {"ready", ready.json}});
  } else {
    const auto& h = health.json;
    std::printf("status:      %s\nversion:     %s\nenvironment: %s\nuptime:      %.0f s\nready:       %s\n",
                h.value("status", "?").c_str(), h.value("version", "?").c_str(), h.value("environment", "?").c_str(),
                h.value("uptime_seconds", 0.0), ready.json.value("status", "?").c_str());
    for (const auto& [name, check] : ready.json["checks"].items()) {
      std::printf("  %-10s %s\n", name.c_str(), check.value("status", "?").c_str());
    }
  }
  if (ready.ok()) return kOk;
  for (const auto& [name, check] : ready.json["checks"].items()) {
    if (check.value("status", "") != "ok") std::cerr << "sbctl: not ready: " << name << " " << check.dump() << "\n";
  }
  return kServerError;
}

}  // namespace

void add_health_command(CLI::App& cli, Commands& commands) {
  auto* command = cli.add_subcommand("health", "Show /health and /health/ready (exit 1 when the server is not ready)");
  commands.add(command, /*needs_admin_token=*/false, health);
}

}  // namespace sbctl
