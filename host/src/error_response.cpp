#include <switchboard/error_response.hpp>

#include <nlohmann/json.hpp>

namespace switchboard {

HttpResponse json_response(int status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message, std::string_view request_id,
                            const nlohmann::json& details) {
  nlohmann::json error = {{"code", code}, {"message", message}, {"request_id", request_id}};
  if (!details.is_null()) error["details"] = details;
  return json_response(status, {{"error", std::move(error)}});
}

HttpResponse error_response(int status, std::string_view code, std::string_view message, std::string_view request_id) {
  return error_response(status, code, message, request_id, nullptr);
}

}  // namespace switchboard
