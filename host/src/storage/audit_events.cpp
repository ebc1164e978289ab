#include <switchboard/storage/audit_events.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {

std::int64_t AuditEvents::append(const AuditEvent& event) {
  auto rows = database_.query(
      "INSERT INTO audit_events (action, actor, target, details, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id",
      {event.action, event.actor, event.target,
       event.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), event.request_id,
       event.created_at.empty() ? utc_now() : event.created_at});
  return rows.empty() ? 0 : rows[0].integer(0);
}

std::vector<AuditEvent> AuditEvents::recent(int limit, const std::string& action) {
  std::string sql = "SELECT id, action, actor, target, " + select_json(database_.dialect(), "details") +
                    ", request_id, " + select_time(database_.dialect(), "created_at") + " FROM audit_events";
  std::vector<Value> params;
  if (!action.empty()) {
    sql += " WHERE action = ?";
    params.emplace_back(action);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(std::int64_t{limit});
  std::vector<AuditEvent> out;
  for (const auto& row : database_.query(sql, params)) {
    AuditEvent event;
    event.id = row.integer(0);
    event.action = row.text(1);
    event.actor = row.text(2);
    event.target = row.text(3);
    event.details = nlohmann::json::parse(row.text(4), nullptr, false);
    if (event.details.is_discarded()) event.details = nlohmann::json::object();
    event.request_id = row.text(5);
    event.created_at = row.text(6);
    out.push_back(std::move(event));
  }
  return out;
}

}  // namespace switchboard::storage
