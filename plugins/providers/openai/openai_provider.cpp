// Codec for any OpenAI-compatible chat-completions API (OpenAI, OpenRouter, Ollama,
// LM Studio, vLLM, …). Pure functions: the host sends the request and feeds back the
// response, whole or as SSE events. The wire format lives in the SDK (openai_format).
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/provider.hpp>
#include <switchboard/sdk/openai_format.hpp>

namespace {

using namespace switchboard::plugin;
namespace sdk = switchboard::sdk;

class OpenAiProvider final : public Provider {
 public:
  bool in_process() const override { return false; }

  tl::expected<UpstreamRequest, ProviderError> encode(const ChatRequest& request,
                                                      const ProviderEndpoint& endpoint) const override {
    if (endpoint.base_url.empty()) return tl::unexpected(provider_error("misconfigured", "no base_url"));
    UpstreamRequest out;
    std::string base = endpoint.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    out.url = base + "/chat/completions";
    out.headers.emplace_back("Content-Type", "application/json");
    out.headers.emplace_back("Accept", request.stream ? "text/event-stream" : "application/json");
    if (!endpoint.api_key.empty()) out.headers.emplace_back("Authorization", "Bearer " + endpoint.api_key);
    for (const auto& header : endpoint.headers) out.headers.push_back(header);
    out.body = sdk::openai_request_body(request, request.model.empty() ? endpoint.model : request.model)
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return out;
  }

  tl::expected<ChatResult, ProviderError> decode(const UpstreamResponse& response) const override {
    return sdk::openai_decode(response);
  }

  StreamFraming stream_framing() const override { return StreamFraming::sse; }

  std::unique_ptr<StreamDecoder> stream_decoder(const ChatRequest&) const override {
    return sdk::openai_stream_decoder();
  }

  ProviderError classify(const UpstreamResponse& response) const override {
    return sdk::openai_classify(Provider::classify(response), response);
  }
};

std::shared_ptr<Plugin> make_openai(const nlohmann::json&, HostServices&) { return std::make_shared<OpenAiProvider>(); }

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::provider, "openai", "1.0.0",
                   "OpenAI-compatible chat completions (OpenAI, OpenRouter, Ollama, LM Studio, vLLM)", make_openai)
