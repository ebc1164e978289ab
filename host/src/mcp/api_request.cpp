#include "api_request.hpp"

#include <switchboard/app.hpp>
#include <switchboard/error_response.hpp>
#include <switchboard/log.hpp>

namespace switchboard::mcp {

Logger& log() {
  static Logger logger("mcp");
  return logger;
}

ApiRequest::ApiRequest(const RequestContext& parent, std::string method, std::string path, std::string query,
                       std::string body)
    : request_{std::move(method),
               std::move(path),
               std::move(query),
               {},
               std::move(body),
               parent.request.client_ip,
               true},
      context_{.request = request_,
               .request_id = parent.request_id,
               .transaction_guid = parent.transaction_guid,
               .plugins = parent.plugins,
               .started = std::chrono::steady_clock::now(),
               .llm_calls = &calls_,
               .usage_framework = {},
               .on_event = {},
               .principal = parent.principal,
               .info = parent.info,
               .middleware = parent.middleware,
               .cache_bypass = parent.cache_bypass,
               .cache_ttl = parent.cache_ttl,
               .trace = parent.trace,
               .owner = parent.owner} {
  request_.headers.emplace_back("Content-Type", "application/json");
}

HttpResponse ApiRequest::route(const App& app) {
  auto match = app.router().match(request_.method, request_.path);
  if (!match.handler) {
    return error_response(500, "INTERNAL_ERROR", "no in-process route for " + request_.method + " " + request_.path,
                          context_.request_id);
  }
  CurrentRequestScope scope(context_);
  try {
    return (*match.handler)(context_, match.params);
  } catch (const std::exception& e) {
    log().error("handler threw", {{"route", std::string(match.pattern)}, {"error", e.what()}});
    return error_response(500, "INTERNAL_ERROR", "internal error", context_.request_id);
  }
}

}  // namespace switchboard::mcp
