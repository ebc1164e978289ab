#pragma once
// A declarative workflow run as POST /api/workflows/{name} runs it (without streaming), for
// callers that did not come through that route (MCP's run_workflow tool).

#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/http_types.hpp>

namespace switchboard {

struct RequestContext;

// Runs (or, with body.run_id, resumes) workflow `name` with body.input; the route's answer,
// or the error response it would send (404 unknown workflow, 422, 502, 504, …).
tl::expected<nlohmann::json, HttpResponse> run_workflow(const RequestContext& context, const std::string& name,
                                                        const nlohmann::json& body);

}  // namespace switchboard
