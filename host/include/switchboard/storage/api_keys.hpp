#pragma once
// API keys (seed 001). Only the SHA-256 of a key is stored; a key is found by its hash.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <switchboard/plugin/host_services.hpp>
#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct ApiKey {
  std::string id;        // a UUID; made by the store when empty
  std::string key_hash;  // hex SHA-256 of the key
  std::string name;
  std::string team;
  std::int64_t rate_limit_per_hour = 1000;
  bool active = true;
  std::string created_at;
  std::string expires_at;                 // empty: never
  std::int64_t daily_budget_nanousd = 0;  // 0: no limit
  std::int64_t monthly_budget_nanousd = 0;
};

// Also the host's KeyDirectory (plugin-api 1.1), which the `auth` middleware checks keys with.
class ApiKeyRepository final : public plugin::KeyDirectory {
 public:
  explicit ApiKeyRepository(Database& database) : database_(database) {}
  std::optional<plugin::ApiKeyInfo> find_by_hash(const std::string& sha256_hex) override;
  std::optional<plugin::ApiKeyInfo> find_key(const std::string& id) override;
  // Stores the key; returns its id. A hash already stored is a StorageError.
  std::string create(const ApiKey& key);
  std::optional<ApiKey> find(const std::string& key_hash);
  std::optional<ApiKey> find_by_id(const std::string& id);
  std::vector<ApiKey> list();  // oldest first
  bool set_active(const std::string& id, bool active);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
