#include "registry_references.hpp"

#include <algorithm>

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/owner.hpp>
#include <switchboard/request_context.hpp>
#include <switchboard/sdk/prompt_template.hpp>
#include <switchboard/storage/schemas.hpp>
#include <switchboard/storage/templates.hpp>

#include "../analysis/text_operations.hpp"
#include "common.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

// /v1/analyze's limit on the prompt, which a rendered template is.
constexpr std::size_t kMaxRenderedCharacters = 10'000;

bool given(const json& body, const char* field) { return body.contains(field) && !body[field].is_null(); }

}  // namespace

bool is_registry_name(const std::string& name) {
  return !name.empty() && name.size() <= 255 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

tl::expected<json, HttpResponse> resolve_registry_references(App& app, const RequestContext& context, json body) {
  const bool by_name = given(body, "schema_name");
  const bool by_version = given(body, "schema_version");
  const bool by_template = given(body, "template");
  if (!by_name && !by_version && !by_template) return body;

  json details = json::array();
  auto problem = [&details](std::string field, std::string message) {
    details.push_back({{"field", std::move(field)}, {"message", std::move(message)}});
  };
  auto refused = [&context, &details] {
    return tl::unexpected(
        error_response(400, "INVALID_REQUEST", "invalid analyze request", context.request_id, details));
  };
  std::string schema_name;
  std::int64_t version = 0;
  if (by_name) {
    if (given(body, "schema")) {
      problem("schema_name", "give schema or schema_name, not both");
    } else if (!body["schema_name"].is_string() || !is_registry_name(body["schema_name"].get<std::string>())) {
      problem("schema_name", "a schema name: 1 to 255 of A-Z a-z 0-9 _ . -");
    } else {
      schema_name = body["schema_name"].get<std::string>();
    }
  }
  if (by_version) {
    if (!by_name) {
      problem("schema_version", "only with schema_name");
    } else if (!body["schema_version"].is_number_integer() || body["schema_version"].get<std::int64_t>() < 1) {
      problem("schema_version", "a version number: 1 or more");
    } else {
      version = body["schema_version"].get<std::int64_t>();
    }
  }
  std::string template_name;
  json arguments = json::object();
  if (by_template) {
    const json& reference = body["template"];
    if (given(body, "prompt")) {
      problem("template", "give prompt or template, not both");
    } else if (!reference.is_object() || !reference.contains("name") || !reference["name"].is_string() ||
               !is_registry_name(reference["name"].get<std::string>())) {
      problem("template.name", "a template name: 1 to 255 of A-Z a-z 0-9 _ . -");
    } else if (!reference.value("parameters", json::object()).is_object()) {
      problem("template.parameters", "an object of parameter values");
    } else {
      template_name = reference["name"].get<std::string>();
      arguments = reference.value("parameters", json::object());
    }
  }
  if (!details.empty()) return refused();
  if (!app.database()) return tl::unexpected(no_store(context));

  storage::SchemaRepository schemas(*app.database());
  if (by_name) {
    if (auto stored = schemas.get(owner_of(context), schema_name, version)) {
      body["schema"] = stored->definition;
    } else {
      problem("schema_name",
              version > 0 ? "no version " + std::to_string(version) + " of a stored schema \"" + schema_name + "\""
                          : "no stored schema \"" + schema_name + "\"");
    }
  }
  if (by_template) {
    const auto stored = storage::TemplateRepository(*app.database()).get(owner_of(context), template_name);
    if (!stored) {
      problem("template.name", "no stored template \"" + template_name + "\"");
      return refused();
    }
    for (const auto& name : stored->parameters) {
      if (!arguments.contains(name)) problem("template.parameters." + name, "missing: the template needs it");
    }
    for (const auto& [name, value] : arguments.items()) {
      if (std::find(stored->parameters.begin(), stored->parameters.end(), name) == stored->parameters.end()) {
        problem("template.parameters." + name, "not a parameter of the template");
      }
    }
    if (!details.empty()) return refused();
    auto rendered = sdk::render_fstring_template(stored->template_text, arguments);
    if (!rendered) {
      problem("template", rendered.error());
    } else if (analysis::code_points(*rendered) > kMaxRenderedCharacters) {
      problem("template", "renders to more than 10000 characters");
    } else {
      body["prompt"] = std::move(*rendered);
    }
    // The template's schema is the default: a schema in the request wins.
    if (!given(body, "schema") && !stored->schema_id.empty()) {
      if (auto linked = schemas.get_by_id(stored->owner, stored->schema_id)) body["schema"] = linked->definition;
    }
  }
  if (!details.empty()) return refused();
  return body;
}

}  // namespace switchboard
