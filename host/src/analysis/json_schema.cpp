#include "json_schema.hpp"

// valijson reports a broken schema by throwing only when asked to; otherwise it aborts.
#define VALIJSON_USE_EXCEPTIONS 1

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace switchboard::analysis {
namespace {

// How deep objects nest inside objects (seed 001 counts only objects), without recursion.
int object_depth(const nlohmann::json& schema) {
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> pending = {{&schema, 0}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    deepest = std::max(deepest, depth);
    if (depth > kMaxSchemaDepth) break;
    if (!value->is_object()) continue;
    for (const auto& item : value->items()) {
      if (item.value().is_object()) pending.emplace_back(&item.value(), depth + 1);
    }
  }
  return deepest;
}

}  // namespace

struct JsonSchema::Compiled {
  valijson::Schema schema;
};

tl::expected<JsonSchema, std::string> JsonSchema::compile(const nlohmann::json& schema) {
  if (!schema.is_object()) return tl::unexpected(std::string("the schema must be a JSON object"));
  if (object_depth(schema) > kMaxSchemaDepth) {
    return tl::unexpected("the schema nests objects deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
  }
  if (schema.dump().size() > kMaxSchemaBytes) {
    return tl::unexpected("the schema is larger than " + std::to_string(kMaxSchemaBytes) + " bytes");
  }
  auto compiled = std::make_shared<Compiled>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, compiled->schema);
  } catch (const std::exception& e) {
    return tl::unexpected("not a valid JSON Schema (draft 7): " + std::string(e.what()));
  }
  return JsonSchema(std::move(compiled));
}

std::vector<std::string> JsonSchema::problems(const nlohmann::json& document) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter adapter(document);
  std::vector<std::string> out;
  if (validator.validate(compiled_->schema, adapter, &results)) return out;
  valijson::ValidationResults::Error error;
  while (results.popError(error)) {
    std::string pointer;
    for (const auto& step : error.context) {
      if (step != "<root>") pointer += step.starts_with("[") ? "/" + step.substr(1, step.size() - 2) : "/" + step;
    }
    out.push_back((pointer.empty() ? "/" : pointer) + ": " + error.description);
  }
  return out;
}

}  // namespace switchboard::analysis
