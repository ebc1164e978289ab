#pragma once
// What /v1/analyze takes from the schema and template registry (seed 001): `schema_name` (and
// `schema_version`) in place of `schema`, and `template` {name, parameters} in place of
// `prompt`. The request body comes back with `schema` and `prompt` filled in from the store,
// so the analyze request is checked as if the caller had written them; a template's linked
// schema applies when the request names none. A reference the store cannot satisfy is the
// request's fault: 400 INVALID_REQUEST naming the field.

#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/http_types.hpp>

namespace switchboard {

class App;
struct RequestContext;

// Names of stored schemas and templates: 1 to 255 of [A-Za-z0-9_.-].
bool is_registry_name(const std::string& name);

// `body` with the registry's references resolved (unchanged when it has none), or the error
// answer: 400 for a bad or unknown reference, 503 when there is no store.
tl::expected<nlohmann::json, HttpResponse> resolve_registry_references(App& app, const RequestContext& context,
                                                                       nlohmann::json body);

}  // namespace switchboard
