#pragma once
// User-defined JSON schemas for structured extraction (seed 001), versioned by name: storing
// a schema under an existing name adds the next version.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct StoredSchema {
  std::string id;  // a UUID, made by the store
  std::string name;
  std::string description;
  nlohmann::json definition = nlohmann::json::object();
  std::int64_t version = 0;  // set by the store: 1, 2, …
  bool is_public = false;
  std::string created_by;  // an API key id, or empty
  std::string created_at;
  std::string updated_at;
};

class SchemaRepository {
 public:
  explicit SchemaRepository(Database& database) : database_(database) {}
  // Stores the next version of `schema.name`; returns it with id and version set.
  StoredSchema add_version(StoredSchema schema);
  // A version, or the newest when `version` is 0.
  std::optional<StoredSchema> get(const std::string& name, std::int64_t version = 0);
  std::vector<StoredSchema> latest_versions();  // one per name, by name

 private:
  Database& database_;
};

}  // namespace switchboard::storage
