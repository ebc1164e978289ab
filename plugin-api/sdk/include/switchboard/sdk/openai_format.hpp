#pragma once
/// @file
/// The OpenAI chat-completions wire format, shared by the codecs of OpenAI-compatible APIs
/// (`openai`, `azure-openai`, and any plugin for a look-alike). Part of the plugin SDK.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <switchboard/plugin/provider.hpp>

namespace switchboard::sdk {

/// The JSON body of a chat-completions request. `model` goes in when not empty; fields of
/// `request.extra` pass through except host-only ones; a stream asks for the usage chunk.
nlohmann::json openai_request_body(const plugin::ChatRequest& request, const std::string& model);

/// Decodes a whole chat-completions response.
tl::expected<plugin::ChatResult, plugin::ProviderError> openai_decode(const plugin::UpstreamResponse& response);

/// A decoder for a chat-completions SSE stream (`data: [DONE]` ends it).
std::unique_ptr<plugin::StreamDecoder> openai_stream_decoder();

/// Refines `error` (the default classification) with the body's `error.message` and codes.
plugin::ProviderError openai_classify(plugin::ProviderError error, const plugin::UpstreamResponse& response);

}  // namespace switchboard::sdk
