#include <switchboard/error_response.hpp>

#include <nlohmann/json.hpp>

#include <switchboard/plugin/middleware.hpp>

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

HttpResponse refusal_response(const plugin::MiddlewareReply& reply, std::string_view request_id) {
  nlohmann::json error = nlohmann::json::object();
  if (reply.details.is_object()) error = reply.details;
  error["code"] = reply.code;
  error["message"] = reply.message;
  error["request_id"] = request_id;
  // 204 answers a request in full (a CORS preflight); otherwise a middleware may only refuse.
  if (reply.status == 204) {
    HttpResponse response;
    response.status = 204;
    for (const auto& [name, value] : reply.headers) response.set_header(name, value);
    return response;
  }
  const int status = reply.status >= 400 && reply.status <= 599 ? reply.status : 500;
  auto response = json_response(status, {{"error", std::move(error)}});
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  return response;
}

}  // namespace switchboard
