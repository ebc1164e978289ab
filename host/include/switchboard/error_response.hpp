#pragma once
// The one shape of every error the host answers:
// {"error": {"code", "message", "request_id", "details"?}}.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include <switchboard/http_types.hpp>

namespace switchboard::plugin {
struct MiddlewareReply;
}

namespace switchboard {

HttpResponse error_response(int status, std::string_view code, std::string_view message, std::string_view request_id);
HttpResponse error_response(int status, std::string_view code, std::string_view message, std::string_view request_id,
                            const nlohmann::json& details);
HttpResponse json_response(int status, const nlohmann::json& body);
// A middleware's refusal: its status and headers, its code and message, and its details as
// more fields of the error object (never replacing code, message or request_id).
HttpResponse refusal_response(const plugin::MiddlewareReply& reply, std::string_view request_id);

}  // namespace switchboard
