// The schema and template registry (seed 001). Schemas: POST /v1/schemas stores a JSON Schema
// under a name (an existing name gets the next version), GET lists the newest of each name or
// reads one (`?version=N`) or its versions, DELETE hides every version (a soft delete: see
// storage/schemas.hpp). Templates: prompt text with {param} placeholders, the parameters they
// take, an example, and optionally a stored schema their answers follow; created, read,
// replaced and deleted by name. /v1/analyze uses both (registry_references.hpp). Each owner
// (owner.hpp) has its own names: another owner's schema or template is not found.
#include <algorithm>
#include <set>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/router.hpp>
#include <switchboard/sdk/prompt_template.hpp>
#include <switchboard/storage/schemas.hpp>
#include <switchboard/storage/templates.hpp>

#include "../analysis/json_schema.hpp"
#include "../analysis/text_operations.hpp"
#include "common.hpp"
#include "registry_references.hpp"
#include "routes.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDescriptionCharacters = 2'000;
constexpr std::size_t kMaxTemplateCharacters = 10'000;

// Problems of a request, as {field, message}.
class Problems {
 public:
  void add(std::string field, std::string message) {
    details_.push_back({{"field", std::move(field)}, {"message", std::move(message)}});
  }
  bool empty() const { return details_.empty(); }
  HttpResponse response(const RequestContext& context, const char* what) const {
    return error_response(400, "INVALID_REQUEST", std::string("invalid ") + what, context.request_id, details_);
  }

 private:
  json details_ = json::array();
};

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  return response;
}

HttpResponse not_found(const RequestContext& context, const std::string& what) {
  return error_response(404, "NOT_FOUND", "no " + what, context.request_id);
}

// A name in a path; nothing stored has a name that is not one.
bool bad_path_name(const PathParams& params) { return !is_registry_name(params.at("name")); }

// DELETE of a schema or template by the name in the path: 204, or 404 when there is none.
template <typename Repository>
HttpResponse remove_named(App& app, const RequestContext& context, const PathParams& params, const char* kind) {
  if (!app.database()) return no_store(context);
  const std::string& name = params.at("name");
  if (bad_path_name(params) || !Repository(*app.database()).remove(owner_of(context), name)) {
    return not_found(context, std::string(kind) + " \"" + name + "\"");
  }
  return no_content();
}

json schema_json(const storage::StoredSchema& schema) {
  return {{"id", schema.id},
          {"name", schema.name},
          {"description", schema.description},
          {"version", schema.version},
          {"schema", schema.definition},
          {"is_public", schema.is_public},
          {"created_at", schema.created_at},
          {"updated_at", schema.updated_at}};
}

json template_json(const storage::StoredTemplate& stored, storage::Database& database) {
  json schema = nullptr;
  if (!stored.schema_id.empty()) {
    if (auto linked = storage::SchemaRepository(database).get_by_id(stored.owner, stored.schema_id)) {
      schema = {{"name", linked->name}, {"version", linked->version}, {"deleted", !linked->deleted_at.empty()}};
    }
  }
  return {{"id", stored.id},
          {"name", stored.name},
          {"description", stored.description},
          {"template_text", stored.template_text},
          {"parameters", stored.parameters},
          {"example_usage", stored.example_usage},
          {"schema", schema},
          {"is_public", stored.is_public},
          {"created_at", stored.created_at},
          {"updated_at", stored.updated_at}};
}

// The optional description and flag every registry entry has.
struct EntryCommon {
  std::string description;
  bool is_public = false;
};
EntryCommon read_common(const json& body, Problems& problems) {
  EntryCommon out;
  if (const auto found = body.find("description"); found != body.end() && !found->is_null()) {
    if (!found->is_string() ||
        analysis::code_points(found->get_ref<const std::string&>()) > kMaxDescriptionCharacters) {
      problems.add("description", "text of at most 2000 characters");
    } else {
      out.description = found->get<std::string>();
    }
  }
  if (const auto found = body.find("is_public"); found != body.end() && !found->is_null()) {
    if (!found->is_boolean()) {
      problems.add("is_public", "true or false");
    } else {
      out.is_public = found->get<bool>();
    }
  }
  return out;
}

std::string read_name(const json& body, Problems& problems) {
  const auto name = body.find("name");
  if (name == body.end() || !name->is_string() || !is_registry_name(name->get<std::string>())) {
    problems.add("name", "1 to 255 of A-Z a-z 0-9 _ . -");
    return "";
  }
  return name->get<std::string>();
}

HttpResponse create_schema(App& app, const RequestContext& context) {
  auto body = json_object_body(context);
  if (!body) return body.error();
  Problems problems;
  storage::StoredSchema schema;
  schema.owner = owner_of(context);
  schema.name = read_name(*body, problems);
  auto common = read_common(*body, problems);
  schema.description = std::move(common.description);
  schema.is_public = common.is_public;
  const auto definition = body->find("schema");
  if (definition == body->end() || !definition->is_object()) {
    problems.add("schema", "a JSON Schema (an object)");
  } else if (auto compiled = analysis::JsonSchema::compile(*definition); !compiled) {
    problems.add("schema", compiled.error());
  } else {
    schema.definition = *definition;
  }
  if (!problems.empty()) return problems.response(context, "schema");
  if (!app.database()) return no_store(context);
  return json_response(201, schema_json(storage::SchemaRepository(*app.database()).add_version(std::move(schema))));
}

HttpResponse get_schema(App& app, const RequestContext& context, const PathParams& params) {
  json details = json::array();
  const int version = int_param(context, "version", 0, 1, 1'000'000'000, details);
  if (!details.empty()) return error_response(400, "INVALID_REQUEST", "invalid query", context.request_id, details);
  if (!app.database()) return no_store(context);
  const std::string& name = params.at("name");
  auto schema = bad_path_name(params)
                    ? std::nullopt
                    : storage::SchemaRepository(*app.database()).get(owner_of(context), name, version);
  if (!schema) {
    return not_found(context, version > 0 ? "version " + std::to_string(version) + " of schema \"" + name + "\""
                                          : "schema \"" + name + "\"");
  }
  return json_response(200, schema_json(*schema));
}

// A template request's fields, checked; `name` only when creating (a PUT's name is its path's).
tl::expected<storage::StoredTemplate, HttpResponse> read_template(App& app, const RequestContext& context,
                                                                  const json& body, std::string name) {
  Problems problems;
  storage::StoredTemplate stored;
  stored.owner = owner_of(context);
  if (name.empty()) {
    stored.name = read_name(body, problems);
  } else {
    if (body.contains("name") && body["name"] != name) problems.add("name", "the name in the path, or none");
    stored.name = std::move(name);
  }
  auto common = read_common(body, problems);
  stored.description = std::move(common.description);
  stored.is_public = common.is_public;
  const auto text = body.find("template_text");
  bool text_ok = false;
  if (text == body.end() || !text->is_string() || text->get_ref<const std::string&>().empty() ||
      analysis::code_points(text->get_ref<const std::string&>()) > kMaxTemplateCharacters) {
    problems.add("template_text", "text of 1 to 10000 characters");
  } else {
    stored.template_text = text->get<std::string>();
    // Rendered with every placeholder given: what is left to fail is the text's syntax.
    json every = json::object();
    for (const auto& each : sdk::fstring_template_variables(stored.template_text)) every[each] = "";
    auto rendered = sdk::render_fstring_template(stored.template_text, every);
    if (!rendered) problems.add("template_text", rendered.error());
    text_ok = rendered.has_value();
  }
  const auto used = sdk::fstring_template_variables(stored.template_text);
  const auto parameters = body.find("parameters");
  if (parameters == body.end() || parameters->is_null()) {
    stored.parameters = used;  // left out: the placeholders, in order of first use
  } else if (!parameters->is_array()) {
    problems.add("parameters", "a list of parameter names");
  } else {
    std::set<std::string> seen;
    for (const auto& each : *parameters) {
      if (!each.is_string() || !seen.insert(each.get<std::string>()).second) {
        problems.add("parameters", "a list of distinct parameter names");
        break;
      }
      stored.parameters.push_back(each.get<std::string>());
    }
    // Every placeholder listed, and nothing listed that is no placeholder (it would be
    // demanded of every caller for nothing).
    for (const auto& each : used) {
      if (text_ok && !seen.count(each)) {
        problems.add("parameters", "{" + each + "} is in template_text but not listed");
      }
    }
    for (const auto& each : stored.parameters) {
      if (text_ok && std::find(used.begin(), used.end(), each) == used.end()) {
        problems.add("parameters", "\"" + each + "\" is listed but template_text has no {" + each + "}");
      }
    }
  }
  if (body.contains("example_usage")) stored.example_usage = body["example_usage"];
  std::string schema_name;
  if (const auto found = body.find("schema_name"); found != body.end() && !found->is_null()) {
    if (!found->is_string() || !is_registry_name(found->get<std::string>())) {
      problems.add("schema_name", "a schema name: 1 to 255 of A-Z a-z 0-9 _ . -");
    } else {
      schema_name = found->get<std::string>();
    }
  }
  std::int64_t version = 0;
  if (const auto found = body.find("schema_version"); found != body.end() && !found->is_null()) {
    if (schema_name.empty() || !found->is_number_integer() || found->get<std::int64_t>() < 1) {
      problems.add("schema_version", "a version number: 1 or more, with schema_name");
    } else {
      version = found->get<std::int64_t>();
    }
  }
  if (!problems.empty()) return tl::unexpected(problems.response(context, "template"));
  if (!app.database()) return tl::unexpected(no_store(context));
  if (!schema_name.empty()) {
    auto schema = storage::SchemaRepository(*app.database()).get(stored.owner, schema_name, version);
    if (!schema) {
      problems.add("schema_name", "no stored schema \"" + schema_name + "\"" +
                                      (version > 0 ? " of version " + std::to_string(version) : ""));
      return tl::unexpected(problems.response(context, "template"));
    }
    stored.schema_id = schema->id;
  }
  return stored;
}

void add_schema_routes(Router& router, App& app) {
  router.add(
      "POST", "/v1/schemas",
      [&app](const RequestContext& context, const PathParams&) { return create_schema(app, context); },
      RouteThread::worker);
  router.add(
      "GET", "/v1/schemas",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json list = json::array();
        for (const auto& each : storage::SchemaRepository(*app.database()).latest_versions(owner_of(context))) {
          list.push_back(schema_json(each));
        }
        return json_response(200, {{"schemas", list}, {"total", list.size()}});
      },
      RouteThread::worker);
  router.add(
      "GET", "/v1/schemas/{name}",
      [&app](const RequestContext& context, const PathParams& params) { return get_schema(app, context, params); },
      RouteThread::worker);
  router.add(
      "GET", "/v1/schemas/{name}/versions",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& name = params.at("name");
        const auto versions = bad_path_name(params)
                                  ? std::vector<storage::StoredSchema>{}
                                  : storage::SchemaRepository(*app.database()).versions(owner_of(context), name);
        if (versions.empty()) return not_found(context, "schema \"" + name + "\"");
        json list = json::array();
        for (const auto& each : versions) list.push_back(schema_json(each));
        return json_response(200, {{"name", name}, {"versions", list}, {"total", list.size()}});
      },
      RouteThread::worker);
  router.add(
      "DELETE", "/v1/schemas/{name}",
      [&app](const RequestContext& context, const PathParams& params) {
        return remove_named<storage::SchemaRepository>(app, context, params, "schema");
      },
      RouteThread::worker);
}

void add_template_routes(Router& router, App& app) {
  router.add(
      "POST", "/v1/templates",
      [&app](const RequestContext& context, const PathParams&) {
        auto body = json_object_body(context);
        if (!body) return body.error();
        auto stored = read_template(app, context, *body, "");
        if (!stored) return stored.error();
        auto created = storage::TemplateRepository(*app.database()).create(std::move(*stored));
        if (!created) {
          return error_response(409, "CONFLICT", "a template named \"" + body->value("name", "") + "\" exists",
                                context.request_id);
        }
        return json_response(201, template_json(*created, *app.database()));
      },
      RouteThread::worker);
  router.add(
      "GET", "/v1/templates",
      [&app](const RequestContext& context, const PathParams&) {
        if (!app.database()) return no_store(context);
        json list = json::array();
        for (const auto& each : storage::TemplateRepository(*app.database()).list(owner_of(context))) {
          list.push_back(template_json(each, *app.database()));
        }
        return json_response(200, {{"templates", list}, {"total", list.size()}});
      },
      RouteThread::worker);
  router.add(
      "GET", "/v1/templates/{name}",
      [&app](const RequestContext& context, const PathParams& params) {
        if (!app.database()) return no_store(context);
        const std::string& name = params.at("name");
        auto stored = bad_path_name(params) ? std::nullopt
                                            : storage::TemplateRepository(*app.database()).get(owner_of(context), name);
        if (!stored) return not_found(context, "template \"" + name + "\"");
        return json_response(200, template_json(*stored, *app.database()));
      },
      RouteThread::worker);
  router.add(
      "PUT", "/v1/templates/{name}",
      [&app](const RequestContext& context, const PathParams& params) {
        const std::string& name = params.at("name");
        if (bad_path_name(params)) return not_found(context, "template \"" + name + "\"");
        auto body = json_object_body(context);
        if (!body) return body.error();
        auto stored = read_template(app, context, *body, name);
        if (!stored) return stored.error();
        auto updated = storage::TemplateRepository(*app.database()).update(std::move(*stored));
        if (!updated) return not_found(context, "template \"" + name + "\"");
        return json_response(200, template_json(*updated, *app.database()));
      },
      RouteThread::worker);
  router.add(
      "DELETE", "/v1/templates/{name}",
      [&app](const RequestContext& context, const PathParams& params) {
        return remove_named<storage::TemplateRepository>(app, context, params, "template");
      },
      RouteThread::worker);
}

}  // namespace

void add_registry_routes(Router& router, App& app) {
  add_schema_routes(router, app);
  add_template_routes(router, app);
}

}  // namespace switchboard
