#pragma once
// Prompt templates (seed 001): named text with {param} placeholders, the parameters it takes,
// an example of its use, and optionally the stored schema its answers follow — one version of
// it, linked by the schema's id. Names are unique; deleting one removes it (templates keep no
// history, unlike schemas). Names belong to an owner (owner.hpp): each owner has its own
// templates, and finds no other owner's.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct StoredTemplate {
  std::string id;  // a UUID, made by the store
  std::string owner;
  std::string name;
  std::string description;
  std::string template_text;
  std::vector<std::string> parameters;
  nlohmann::json example_usage = nullptr;  // any JSON; null for none
  std::string schema_id;                   // empty: no linked schema
  bool is_public = false;
  std::string created_at;
  std::string updated_at;
};

class TemplateRepository {
 public:
  explicit TemplateRepository(Database& database) : database_(database) {}
  // Stores a new template of `template_.owner`, returned with id and times set; nothing when
  // the owner has one of that name.
  std::optional<StoredTemplate> create(StoredTemplate template_);
  std::optional<StoredTemplate> get(const std::string& owner, const std::string& name);
  std::vector<StoredTemplate> list(const std::string& owner);  // by name
  // Replaces everything but the name, id and creation time of the template of `template_.owner`
  // named `template_.name`; nothing when there is none.
  std::optional<StoredTemplate> update(StoredTemplate template_);
  // False when there was none.
  bool remove(const std::string& owner, const std::string& name);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
