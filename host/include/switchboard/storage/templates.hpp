#pragma once
// Prompt templates (seed 001): named text with {param} placeholders, the parameters it takes,
// an example of its use, and optionally the stored schema its answers follow — one version of
// it, linked by the schema's id. Names are unique; deleting one removes it (templates keep no
// history, unlike schemas).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <switchboard/storage/database.hpp>

namespace switchboard::storage {

struct StoredTemplate {
  std::string id;  // a UUID, made by the store
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
  // Stores a new template, returned with id and times set; nothing when the name is taken.
  std::optional<StoredTemplate> create(StoredTemplate template_);
  std::optional<StoredTemplate> get(const std::string& name);
  std::vector<StoredTemplate> list();  // by name
  // Replaces everything but the name, id and creation time of the template named
  // `template_.name`; nothing when there is none.
  std::optional<StoredTemplate> update(StoredTemplate template_);
  // False when there was none.
  bool remove(const std::string& name);

 private:
  Database& database_;
};

}  // namespace switchboard::storage
