#include "json_schema.hpp"

#include "schema_patterns.hpp"

// valijson reports a broken schema by throwing only when asked to; otherwise it aborts.
#define VALIJSON_USE_EXCEPTIONS 1

#include <map>
#include <optional>

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

// The subschemas a schema applies to the same place of the document: `$ref` targets and the
// in-place applicators. A cycle of these never reaches a leaf of the document, and valijson
// follows it until the stack runs out: {"$ref": "#"} would take the server down.
std::vector<const nlohmann::json*> in_place(const nlohmann::json& node, const nlohmann::json& root,
                                            std::string& error) {
  std::vector<const nlohmann::json*> out;
  if (const auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
    const std::string& text = ref->get_ref<const std::string&>();
    // Only local JSON pointers: anchors, $id-relative and remote references are not resolved
    // here, so they could hide a cycle.
    if (!text.starts_with("#") || (text.size() > 1 && text[1] != '/') || text.find('%') != std::string::npos) {
      error = "only local references (\"#\" or \"#/…\") are supported: " + text;
      return out;
    }
    try {
      out.push_back(&root.at(nlohmann::json::json_pointer(text.substr(1))));
    } catch (const nlohmann::json::exception&) {
      error = "a reference to nothing: " + text;
      return out;
    }
  }
  for (const char* keyword : {"allOf", "anyOf", "oneOf"}) {
    if (const auto list = node.find(keyword); list != node.end() && list->is_array()) {
      for (const auto& each : *list) out.push_back(&each);
    }
  }
  for (const char* keyword : {"not", "if", "then", "else"}) {
    if (const auto one = node.find(keyword); one != node.end()) out.push_back(&*one);
  }
  if (const auto dependencies = node.find("dependencies"); dependencies != node.end() && dependencies->is_object()) {
    for (const auto& each : *dependencies) {
      if (each.is_object()) out.push_back(&each);
    }
  }
  return out;
}

// Why the schema's references cannot be followed safely, or nothing when they can.
std::optional<std::string> reference_problem(const nlohmann::json& root) {
  // Every object of the schema may be a subschema; $id is allowed at the root only, where it
  // does not change what "#" means.
  std::vector<const nlohmann::json*> nodes;
  std::vector<const nlohmann::json*> pending = {&root};
  while (!pending.empty()) {
    const auto* value = pending.back();
    pending.pop_back();
    if (value->is_object()) {
      if (value != &root && value->contains("$id") && (*value)["$id"].is_string()) {
        return std::string("\"$id\" is supported at the root of the schema only");
      }
      nodes.push_back(value);
    }
    if (value->is_structured()) {
      for (const auto& child : *value) pending.push_back(&child);
    }
  }
  // Depth-first over the in-place edges; grey: on the current path.
  enum class Mark { grey, black };
  std::map<const nlohmann::json*, Mark> marks;
  std::string error;
  for (const auto* start : nodes) {
    if (marks.count(start)) continue;
    std::vector<std::pair<const nlohmann::json*, std::vector<const nlohmann::json*>>> path;
    marks[start] = Mark::grey;
    path.emplace_back(start, start->is_object() ? in_place(*start, root, error) : std::vector<const nlohmann::json*>{});
    if (!error.empty()) return error;
    while (!path.empty()) {
      auto& [node, next] = path.back();
      if (next.empty()) {
        marks[node] = Mark::black;
        path.pop_back();
        continue;
      }
      const auto* child = next.back();
      next.pop_back();
      const auto mark = marks.find(child);
      if (mark != marks.end()) {
        if (mark->second == Mark::grey)
          return std::string("the schema refers to itself without descending into the document");
        continue;
      }
      marks[child] = Mark::grey;
      path.emplace_back(child,
                        child->is_object() ? in_place(*child, root, error) : std::vector<const nlohmann::json*>{});
      if (!error.empty()) return error;
    }
  }
  return std::nullopt;
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
  if (auto problem = reference_problem(schema)) return tl::unexpected("not a usable JSON Schema: " + *problem);
  nlohmann::json safe = schema;
  if (auto problem = route_patterns_through_re2(safe)) return tl::unexpected("not a usable JSON Schema: " + *problem);
  auto compiled = std::make_shared<Compiled>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    add_re2_constraints(parser);
    valijson::adapters::NlohmannJsonAdapter adapter(safe);
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
