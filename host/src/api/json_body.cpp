#include "routes.hpp"

#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {

tl::expected<nlohmann::json, HttpResponse> json_object_body(const RequestContext& context, bool empty_ok) {
  const std::string& body = context.request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (empty_ok) return nlohmann::json::object();
    return tl::unexpected(error_response(400, "INVALID_REQUEST", "a JSON object body is required", context.request_id));
  }
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return tl::unexpected(
        error_response(400, "INVALID_JSON", "the request body is not valid JSON", context.request_id));
  }
  if (!parsed.is_object()) {
    return tl::unexpected(
        error_response(400, "INVALID_REQUEST", "the request body must be a JSON object", context.request_id));
  }
  return parsed;
}

}  // namespace switchboard
