#include <switchboard/storage/audit_events.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {

namespace {

constexpr const char* kInsert =
    "INSERT INTO audit_events (action, actor, target, details, request_id, created_at) VALUES (?, ?, ?, ?, ?, ?) "
    "RETURNING id";

std::vector<Value> insert_params(const AuditEvent& event) {
  return {event.action,     event.actor,
          event.target,     event.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          event.request_id, event.created_at.empty() ? utc_now() : event.created_at};
}

}  // namespace

std::int64_t AuditEvents::append(const AuditEvent& event) {
  auto rows = database_.query(kInsert, insert_params(event));
  return rows.empty() ? 0 : rows[0].integer(0);
}

void AuditEvents::append_all(const std::vector<AuditEvent>& events) {
  database_.transaction([&](Session& session) {
    for (const auto& event : events) session.query(kInsert, insert_params(event));
  });
}

std::vector<AuditEvent> AuditEvents::recent(int limit, const std::string& action) {
  AuditQuery query;
  query.action = action;
  query.limit = limit;
  return find(query);
}

std::vector<AuditEvent> AuditEvents::find(const AuditQuery& query) {
  std::string sql = "SELECT id, action, actor, target, " + select_json(database_.dialect(), "details") +
                    ", request_id, " + select_time(database_.dialect(), "created_at") + " FROM audit_events WHERE 1=1";
  std::vector<Value> params;
  if (query.action.ends_with('.')) {
    sql += " AND substr(action, 1, ?) = ?";
    params.emplace_back(static_cast<std::int64_t>(query.action.size()));
    params.emplace_back(query.action);
  } else if (!query.action.empty()) {
    sql += " AND action = ?";
    params.emplace_back(query.action);
  }
  for (const auto& [column, value] : {std::pair{"actor", &query.actor}, std::pair{"request_id", &query.request_id}}) {
    if (value->empty()) continue;
    sql += std::string(" AND ") + column + " = ?";
    params.emplace_back(*value);
  }
  if (!query.since.empty()) {
    sql += " AND created_at >= ?";
    params.emplace_back(query.since);
  }
  if (!query.until.empty()) {
    sql += " AND created_at <= ?";
    params.emplace_back(query.until);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(std::int64_t{query.limit});
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
