#pragma once
// The body of POST /v1/chat/completions (OpenAI's shape), validated and turned into the
// ChatRequest providers take. Fields it does not model (tools, response_format, seed, …)
// pass through in `extra`, and so do the raw messages when they carry more than text.

#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/provider.hpp>

namespace switchboard {

// The request, or what is wrong with it (a message for a 400 INVALID_REQUEST).
tl::expected<plugin::ChatRequest, std::string> parse_chat_request(const nlohmann::json& body);

}  // namespace switchboard
