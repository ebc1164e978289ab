#include <switchboard/storage/templates.hpp>

#include <switchboard/request_id.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

using nlohmann::json;

std::string columns(Dialect d) {
  return "id, name, description, template_text, " + select_json(d, "parameters") + ", " +
         select_json(d, "example_usage") + ", schema_id, " + select_bool(d, "is_public") + ", " +
         select_time(d, "created_at") + ", " + select_time(d, "updated_at") + ", owner";
}

std::string dumped(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

StoredTemplate template_of(const Row& row) {
  StoredTemplate t;
  t.id = row.text(0);
  t.name = row.text(1);
  t.description = row.text(2);
  t.template_text = row.text(3);
  const auto parameters = json::parse(row.text(4), nullptr, false);
  if (parameters.is_array()) {
    for (const auto& each : parameters) {
      if (each.is_string()) t.parameters.push_back(each.get<std::string>());
    }
  }
  if (!row.is_null(5)) {
    t.example_usage = json::parse(row.text(5), nullptr, false);
    if (t.example_usage.is_discarded()) t.example_usage = nullptr;
  }
  t.schema_id = row.text(6);
  t.is_public = row.integer(7) != 0;
  t.created_at = row.text(8);
  t.updated_at = row.text(9);
  t.owner = row.text(10);
  return t;
}

Value example_value(const StoredTemplate& t) {
  return t.example_usage.is_null() ? Value{} : Value{dumped(t.example_usage)};
}

}  // namespace

std::optional<StoredTemplate> TemplateRepository::create(StoredTemplate t) {
  t.id = new_uuid();
  t.created_at = t.updated_at = utc_now();
  bool taken = false;
  try {
    database_.transaction([&](Session& session) {
      taken = !session.query("SELECT 1 FROM prompt_templates WHERE owner = ? AND name = ?", {t.owner, t.name}).empty();
      if (taken) return;
      session.query(
          "INSERT INTO prompt_templates (id, owner, name, description, template_text, parameters, example_usage, "
          "schema_id, is_public, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {t.id, t.owner, t.name, nullable(t.description), t.template_text, dumped(t.parameters), example_value(t),
           nullable(t.schema_id), std::int64_t{t.is_public ? 1 : 0}, t.created_at, t.updated_at});
    });
  } catch (const StorageError&) {
    // Two writers on PostgreSQL both saw the name free: UNIQUE (owner, name) let one of them in.
    if (get(t.owner, t.name)) return std::nullopt;
    throw;
  }
  if (taken) return std::nullopt;
  return t;
}

std::optional<StoredTemplate> TemplateRepository::get(const std::string& owner, const std::string& name) {
  auto rows = database_.query(
      "SELECT " + columns(database_.dialect()) + " FROM prompt_templates WHERE owner = ? AND name = ?", {owner, name});
  if (rows.empty()) return std::nullopt;
  return template_of(rows[0]);
}

std::vector<StoredTemplate> TemplateRepository::list(const std::string& owner) {
  std::vector<StoredTemplate> out;
  for (const auto& row : database_.query(
           "SELECT " + columns(database_.dialect()) + " FROM prompt_templates WHERE owner = ? ORDER BY name",
           {owner})) {
    out.push_back(template_of(row));
  }
  return out;
}

std::optional<StoredTemplate> TemplateRepository::update(StoredTemplate t) {
  std::optional<StoredTemplate> out;
  database_.transaction([&](Session& session) {
    auto rows =
        session.query("SELECT " + columns(database_.dialect()) + " FROM prompt_templates WHERE owner = ? AND name = ?",
                      {t.owner, t.name});
    if (rows.empty()) return;
    const auto before = template_of(rows[0]);
    t.id = before.id;
    t.created_at = before.created_at;
    t.updated_at = utc_now();
    session.query(
        "UPDATE prompt_templates SET description = ?, template_text = ?, parameters = ?, example_usage = ?, "
        "schema_id = ?, is_public = ?, updated_at = ? WHERE id = ?",
        {nullable(t.description), t.template_text, dumped(t.parameters), example_value(t), nullable(t.schema_id),
         std::int64_t{t.is_public ? 1 : 0}, t.updated_at, t.id});
    out = t;
  });
  return out;
}

bool TemplateRepository::remove(const std::string& owner, const std::string& name) {
  return !database_.query("DELETE FROM prompt_templates WHERE owner = ? AND name = ? RETURNING id", {owner, name})
              .empty();
}

}  // namespace switchboard::storage
