#include <switchboard/storage/api_keys.hpp>

#include <switchboard/request_id.hpp>

#include "sql_helpers.hpp"

namespace switchboard::storage {
namespace {

std::string columns(Dialect d) {
  return "id, key_hash, name, team, rate_limit_per_hour, " + select_bool(d, "is_active") + ", " +
         select_time(d, "created_at") + ", " + select_time(d, "expires_at") +
         ", COALESCE(daily_budget_nanousd, 0), COALESCE(monthly_budget_nanousd, 0)";
}

ApiKey key_of(const Row& row) {
  return {row.text(0),         row.text(1), row.text(2), row.text(3),    row.integer(4),
          row.integer(5) != 0, row.text(6), row.text(7), row.integer(8), row.integer(9)};
}

Value budget(std::int64_t nanousd) { return nanousd > 0 ? Value{nanousd} : Value{}; }

}  // namespace

std::string ApiKeyRepository::create(const ApiKey& key) {
  const std::string id = key.id.empty() ? new_uuid() : key.id;
  database_.query(
      "INSERT INTO api_keys (id, key_hash, name, team, rate_limit_per_hour, is_active, created_at, expires_at, "
      "daily_budget_nanousd, monthly_budget_nanousd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id, key.key_hash, key.name, nullable(key.team), key.rate_limit_per_hour, std::int64_t{key.active ? 1 : 0},
       key.created_at.empty() ? utc_now() : key.created_at, nullable(key.expires_at), budget(key.daily_budget_nanousd),
       budget(key.monthly_budget_nanousd)});
  return id;
}

std::optional<plugin::ApiKeyInfo> ApiKeyRepository::find_by_hash(const std::string& sha256_hex) {
  auto key = find(sha256_hex);
  if (!key) return std::nullopt;
  return plugin::ApiKeyInfo{key->id, key->name, key->team, key->active, key->expires_at, key->rate_limit_per_hour};
}

std::optional<plugin::ApiKeyInfo> ApiKeyRepository::find_key(const std::string& id) {
  auto key = find_by_id(id);
  if (!key) return std::nullopt;
  return plugin::ApiKeyInfo{key->id, key->name, key->team, key->active, key->expires_at, key->rate_limit_per_hour};
}

std::optional<ApiKey> ApiKeyRepository::find(const std::string& key_hash) {
  auto rows =
      database_.query("SELECT " + columns(database_.dialect()) + " FROM api_keys WHERE key_hash = ?", {key_hash});
  if (rows.empty()) return std::nullopt;
  return key_of(rows[0]);
}

std::optional<ApiKey> ApiKeyRepository::find_by_id(const std::string& id) {
  auto rows = database_.query("SELECT " + columns(database_.dialect()) + " FROM api_keys WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return key_of(rows[0]);
}

std::vector<ApiKey> ApiKeyRepository::list() {
  std::vector<ApiKey> out;
  for (const auto& row :
       database_.query("SELECT " + columns(database_.dialect()) + " FROM api_keys ORDER BY created_at, id")) {
    out.push_back(key_of(row));
  }
  return out;
}

bool ApiKeyRepository::set_active(const std::string& id, bool active) {
  return !database_
              .query("UPDATE api_keys SET is_active = ? WHERE id = ? RETURNING id", {std::int64_t{active ? 1 : 0}, id})
              .empty();
}

}  // namespace switchboard::storage
