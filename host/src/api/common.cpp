#include "common.hpp"

#include <regex>

#include <switchboard/error_response.hpp>
#include <switchboard/request_context.hpp>

namespace switchboard {

HttpResponse no_store(const RequestContext& context) {
  return error_response(503, "STORAGE_UNAVAILABLE", "no store is configured", context.request_id);
}

std::optional<std::int64_t> path_id(const std::string& text) {
  static const std::regex digits(R"(\d{1,18})");
  if (!std::regex_match(text, digits)) return std::nullopt;
  return std::stoll(text);
}

int int_param(const RequestContext& context, const char* name, int fallback, int min, int max,
              nlohmann::json& details) {
  auto text = context.request.query_param(name);
  if (!text) return fallback;
  static const std::regex digits(R"(\d{1,9})");
  if (!std::regex_match(*text, digits) || std::stoi(*text) < min || std::stoi(*text) > max) {
    details.push_back(
        {{"field", name},
         {"message", "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max)}});
    return fallback;
  }
  return std::stoi(*text);
}

CallTotals call_totals(const RequestContext& context) {
  CallTotals totals;
  if (!context.llm_calls) return totals;
  for (const auto& call : *context.llm_calls) {
    totals.input_tokens += call.usage.input_tokens;
    totals.output_tokens += call.usage.output_tokens;
    totals.cost_nanousd += call.cost_nano_usd;
    totals.provider = call.provider;
    totals.model = call.model;
  }
  return totals;
}

}  // namespace switchboard
