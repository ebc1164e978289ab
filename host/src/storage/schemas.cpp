#include <switchboard/storage/schemas.hpp>

#include <switchboard/request_id.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string columns(Dialect d) {
  return "id, name, description, " + select_json(d, "schema_definition") + ", version, " + select_bool(d, "is_public") +
         ", created_by, " + select_time(d, "created_at") + ", " + select_time(d, "updated_at") + ", " +
         select_time(d, "deleted_at") + ", owner";
}

StoredSchema schema_of(const Row& row) {
  StoredSchema s;
  s.id = row.text(0);
  s.name = row.text(1);
  s.description = row.text(2);
  s.definition = nlohmann::json::parse(row.text(3), nullptr, false);
  if (s.definition.is_discarded()) s.definition = nlohmann::json::object();
  s.version = row.integer(4);
  s.is_public = row.integer(5) != 0;
  s.created_by = row.text(6);
  s.created_at = row.text(7);
  s.updated_at = row.text(8);
  s.deleted_at = row.text(9);
  s.owner = row.text(10);
  return s;
}

}  // namespace

StoredSchema SchemaRepository::add_version(StoredSchema schema) {
  schema.id = new_uuid();
  schema.created_at = schema.updated_at = utc_now();
  // The write transaction (and, on PostgreSQL, UNIQUE (name, version)) keeps two writers
  // from taking the same version.
  database_.transaction([&](Session& session) {
    schema.version = session
                         .query("SELECT COALESCE(MAX(version), 0) + 1 FROM schemas WHERE owner = ? AND name = ?",
                                {schema.owner, schema.name})[0]
                         .integer(0);
    session.query(
        "INSERT INTO schemas (id, owner, name, description, schema_definition, version, is_public, created_by, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {schema.id, schema.owner, schema.name, nullable(schema.description),
         schema.definition.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), schema.version,
         std::int64_t{schema.is_public ? 1 : 0}, nullable(schema.created_by), schema.created_at, schema.updated_at});
  });
  return schema;
}

std::optional<StoredSchema> SchemaRepository::get(const std::string& owner, const std::string& name,
                                                  std::int64_t version) {
  const std::string base =
      "SELECT " + columns(database_.dialect()) + " FROM schemas WHERE owner = ? AND name = ? AND deleted_at IS NULL";
  auto rows = version > 0 ? database_.query(base + " AND version = ?", {owner, name, version})
                          : database_.query(base + " ORDER BY version DESC LIMIT 1", {owner, name});
  if (rows.empty()) return std::nullopt;
  return schema_of(rows[0]);
}

std::optional<StoredSchema> SchemaRepository::get_by_id(const std::string& owner, const std::string& id) {
  auto rows = database_.query("SELECT " + columns(database_.dialect()) + " FROM schemas WHERE id = ? AND owner = ?",
                              {id, owner});
  if (rows.empty()) return std::nullopt;
  return schema_of(rows[0]);
}

std::vector<StoredSchema> SchemaRepository::latest_versions(const std::string& owner) {
  std::vector<StoredSchema> out;
  for (const auto& row : database_.query(
           "SELECT " + columns(database_.dialect()) +
               " FROM schemas s WHERE owner = ? AND deleted_at IS NULL AND version = (SELECT MAX(version) "
               "FROM schemas t WHERE t.owner = s.owner AND t.name = s.name AND t.deleted_at IS NULL) ORDER BY name",
           {owner})) {
    out.push_back(schema_of(row));
  }
  return out;
}

std::vector<StoredSchema> SchemaRepository::versions(const std::string& owner, const std::string& name) {
  std::vector<StoredSchema> out;
  for (const auto& row :
       database_.query("SELECT " + columns(database_.dialect()) +
                           " FROM schemas WHERE owner = ? AND name = ? AND deleted_at IS NULL ORDER BY version",
                       {owner, name})) {
    out.push_back(schema_of(row));
  }
  return out;
}

bool SchemaRepository::remove(const std::string& owner, const std::string& name) {
  bool found = false;
  database_.transaction([&](Session& session) {
    found =
        !session
             .query("SELECT 1 FROM schemas WHERE owner = ? AND name = ? AND deleted_at IS NULL LIMIT 1", {owner, name})
             .empty();
    if (found) {
      const std::string now = utc_now();
      session.query(
          "UPDATE schemas SET deleted_at = ?, updated_at = ? WHERE owner = ? AND name = ? AND deleted_at IS NULL",
          {now, now, owner, name});
    }
  });
  return found;
}

}  // namespace switchboard::storage
