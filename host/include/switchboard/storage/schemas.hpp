#pragma once
// User-defined JSON schemas for structured extraction (seed 001), versioned by name: storing
// a schema under an existing name adds the next version. Deleting a name is a soft delete
// (seed 001 keeps schema history): every version is hidden from lookups by name but its row
// stays, so a prompt template that links one version by id keeps it, and version numbers are
// never reused — a schema stored under a deleted name takes the next number. Names belong to
// an owner (owner.hpp): each owner has its own schemas, and finds no other owner's.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct StoredSchema {
  std::string id;  // a UUID, made by the store
  std::string owner;
  std::string name;
  std::string description;
  nlohmann::json definition = nlohmann::json::object();
  std::int64_t version = 0;  // set by the store: 1, 2, …
  bool is_public = false;
  std::string created_by;  // an API key id, or empty
  std::string created_at;
  std::string updated_at;
  std::string deleted_at;  // empty: not deleted
};

class SchemaRepository {
 public:
  explicit SchemaRepository(Database& database) : database_(database) {}
  // Stores the next version of `schema.name` of `schema.owner`; returns it with id and
  // version set.
  StoredSchema add_version(StoredSchema schema);
  // A version, or the newest when `version` is 0; deleted ones are not found.
  std::optional<StoredSchema> get(const std::string& owner, const std::string& name, std::int64_t version = 0);
  // By id, deleted or not (what a template links).
  std::optional<StoredSchema> get_by_id(const std::string& owner, const std::string& id);
  std::vector<StoredSchema> latest_versions(const std::string& owner);                    // one per name, by name
  std::vector<StoredSchema> versions(const std::string& owner, const std::string& name);  // oldest first
  // Hides every version of `name`; false when there was none to hide.
  bool remove(const std::string& owner, const std::string& name);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
