#include <switchboard/storage/checkpoints.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json parse(const std::string& text, nlohmann::json fallback) {
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  return parsed.is_discarded() ? fallback : parsed;
}

}  // namespace

void CheckpointRepository::save(const plugin::Checkpoint& c) {
  const bool sqlite = database_.dialect() == Dialect::sqlite;
  const std::string upsert = sqlite ? "INSERT OR REPLACE INTO graph_checkpoints" : "INSERT INTO graph_checkpoints";
  const std::string conflict =
      sqlite ? ""
             : " ON CONFLICT (run_id, step) DO UPDATE SET graph = EXCLUDED.graph, status = EXCLUDED.status, "
               "state = EXCLUDED.state, next_nodes = EXCLUDED.next_nodes, metadata = EXCLUDED.metadata, "
               "created_at = EXCLUDED.created_at";
  database_.query(upsert +
                      " (owner, run_id, step, graph, status, state, next_nodes, metadata, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" +
                      conflict,
                  {owner_(), c.run_id, std::int64_t{c.step}, c.graph, c.status, dump(c.state),
                   dump(nlohmann::json(c.next)), dump(c.metadata), utc_now()});
}

std::optional<plugin::Checkpoint> CheckpointRepository::latest(const std::string& run_id) {
  const Dialect d = database_.dialect();
  auto rows = database_.query("SELECT run_id, step, graph, status, " + select_json(d, "state") + ", " +
                                  select_json(d, "next_nodes") + ", " + select_json(d, "metadata") +
                                  " FROM graph_checkpoints WHERE run_id = ? AND owner = ? ORDER BY step DESC LIMIT 1",
                              {run_id, owner_()});
  if (rows.empty()) return std::nullopt;
  const Row& row = rows[0];
  plugin::Checkpoint c;
  c.run_id = row.text(0);
  c.step = static_cast<int>(row.integer(1));
  c.graph = row.text(2);
  c.status = row.text(3);
  c.state = parse(row.text(4), nlohmann::json::object());
  for (const auto& node : parse(row.text(5), nlohmann::json::array()))
    if (node.is_string()) c.next.push_back(node.get<std::string>());
  c.metadata = parse(row.text(6), nlohmann::json::object());
  return c;
}

}  // namespace switchboard::storage
