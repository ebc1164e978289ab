#pragma once
// Audit events: who did what to what, when (admin actions on plugins, and later keys and
// schemas). Written before the action is acknowledged, so an acknowledged action always has
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

class AuditEvents {
 public:
  explicit AuditEvents(Database& database) : database_(database) {}
  // Stores `event`; returns its id.
  std::int64_t append(const AuditEvent& event);
  // The newest `limit`, newest first; `action` empty for all.
  std::vector<AuditEvent> recent(int limit, const std::string& action = "");

 private:
  Database& database_;
};

}  // namespace switchboard::storage
