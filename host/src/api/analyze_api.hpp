#pragma once
// Structured extraction as jobs run it: the same checks and answers as POST /v1/analyze and
// POST /v1/analyze/batch, for a body that did not come with an HTTP request.

#include <nlohmann/json.hpp>

#include <switchboard/http_types.hpp>

namespace switchboard {

class App;
struct Config;
struct RequestContext;

// What is wrong with an analyze (`batch` false) or batch body: {field, message} each; empty
// when it would run.
nlohmann::json analyze_problems(const nlohmann::json& body, bool batch, const Config& config);

// Runs it in `context`, answered as the route answers it (400 when the body is wrong).
HttpResponse run_analyze(App& app, const RequestContext& context, const nlohmann::json& body, bool batch);

}  // namespace switchboard
