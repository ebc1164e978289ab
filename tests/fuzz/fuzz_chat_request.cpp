// The body of POST /v1/chat/completions: any bytes a client sends. Parsed as the gateway
// does, validated, and when accepted encoded again for an OpenAI-compatible upstream.
// Nothing may crash or throw.
#include <cstddef>
#include <cstdint>

#include <switchboard/sdk/openai_format.hpp>

#include "api/chat_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return 0;
  auto request = switchboard::parse_chat_request(body);
  if (!request) {
    if (request.error().empty()) __builtin_trap();
    return 0;
  }
  if (request->max_tokens && *request->max_tokens < 1) __builtin_trap();
  auto encoded = switchboard::sdk::openai_request_body(*request, request->model.empty() ? "m" : request->model);
  (void)encoded.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return 0;
}
