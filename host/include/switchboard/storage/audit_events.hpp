#pragma once
// Audit events: who did what to what, when (admin actions, authentication, refusals by
// rate limits and budgets, PII found). Written before the action is acknowledged, so an acknowledged action always has
// its event, even if the process dies right after.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct AuditEvent {
  std::int64_t id = 0;  // set by the store
  std::string action;   // e.g. plugin.load, plugin.reload, plugin.unload
  std::string actor;    // e.g. "admin@127.0.0.1"
  std::string target;   // e.g. the plugin's name
  nlohmann::json details = nlohmann::json::object();
  std::string request_id;
  std::string created_at;  // utc_now() when empty
};

// Which events to read; empty fields do not filter.
struct AuditQuery {
  std::string action;        // exact, or a prefix ending in '.' ("auth." for auth.success and auth.failure)
  std::string actor;         // exact
  std::string request_id;    // exact
  std::string since, until;  // ISO-8601 UTC, inclusive
  int limit = 100;
};

class AuditEvents {
 public:
  explicit AuditEvents(Database& database) : database_(database) {}
  // Stores `event`; returns its id.
  std::int64_t append(const AuditEvent& event);
  // Stores `events` in one transaction.
  void append_all(const std::vector<AuditEvent>& events);
  // The newest `limit`, newest first; `action` empty for all.
  std::vector<AuditEvent> recent(int limit, const std::string& action = "");
  // The newest events that match, newest first.
  std::vector<AuditEvent> find(const AuditQuery& query);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
