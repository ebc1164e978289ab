#include "session.hpp"

#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "exit_codes.hpp"

namespace sbctl {

void print_json(const nlohmann::json& value) { std::cout << value.dump(2) << "\n"; }

int report_failure(const Reply& reply, const Session& session) {
  if (!reply.answered()) {
    std::cerr << "sbctl: cannot reach " << session.client.base_url() << ": " << reply.transport_error << "\n";
    if (session.json) print_json({{"error", {{"code", "UNREACHABLE"}, {"message", reply.transport_error}}}});
    return kUnreachable;
  }
  const auto& error = reply.json.is_object() ? reply.json.value("error", nlohmann::json()) : nlohmann::json();
  if (error.is_object()) {
    std::cerr << "sbctl: server answered " << reply.status << " " << error.value("code", "ERROR") << ": "
              << error.value("message", "") << " (request " << error.value("request_id", "?") << ")\n";
    if (error.contains("details")) std::cerr << "  details: " << error["details"].dump() << "\n";
  } else if (reply.json.is_discarded()) {
    // A proxy's page, or not a Switchboard server at all.
    std::cerr << "sbctl: server answered " << reply.status << " with a body that is not JSON ("
              << reply.body.substr(0, 80) << ")\n";
  } else {
    std::cerr << "sbctl: server answered " << reply.status << "\n";
  }
  if (session.json) {
    print_json(reply.json.is_discarded() ? nlohmann::json{{"error", {{"code", "NOT_JSON"}, {"status", reply.status}}}}
                                         : reply.json);
  }
  return kServerError;
}

int answer(const Reply& reply, const Session& session, const std::function<void(const nlohmann::json&)>& human) {
  if (!reply.ok()) return report_failure(reply, session);
  if (session.json) {
    print_json(reply.json);
  } else {
    human(reply.json);
  }
  return kOk;
}

int usage_error(const std::string& message) {
  std::cerr << "sbctl: " << message << "\n";
  return kUsage;
}

void Commands::add(const CLI::App* app, bool needs_admin_token, Action action) {
  commands_.push_back({app, needs_admin_token, std::move(action)});
}

const Command* Commands::chosen() const {
  for (const auto& command : commands_) {
    if (command.app->parsed()) return &command;
  }
  return nullptr;
}

}  // namespace sbctl
