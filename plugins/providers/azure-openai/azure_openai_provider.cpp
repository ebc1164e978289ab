// Codec for Azure OpenAI: the OpenAI wire format at a deployment URL,
//   {base_url}/openai/deployments/{deployment}/chat/completions?api-version={version}
// with the key in an `api-key` header. The request's model names the deployment, unless the
// instance's options map models to deployments. Instance options:
//   api_version: default "2024-10-21"
//   deployments: {model: deployment}
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/provider.hpp>
#include <switchboard/sdk/openai_format.hpp>

namespace {

using namespace switchboard::plugin;
namespace sdk = switchboard::sdk;

class AzureOpenAiProvider final : public Provider {
 public:
  bool in_process() const override { return false; }

  tl::expected<UpstreamRequest, ProviderError> encode(const ChatRequest& request,
                                                      const ProviderEndpoint& endpoint) const override {
    if (endpoint.base_url.empty()) return tl::unexpected(provider_error("misconfigured", "no base_url"));
    const std::string model = request.model.empty() ? endpoint.model : request.model;
    std::string deployment = model;
    if (endpoint.options.contains("deployments") && endpoint.options["deployments"].is_object() &&
        endpoint.options["deployments"].contains(model) && endpoint.options["deployments"][model].is_string()) {
      deployment = endpoint.options["deployments"][model];
    }
    if (deployment.empty()) return tl::unexpected(provider_error("misconfigured", "no deployment for the request"));
    const std::string version = endpoint.options.value("api_version", std::string("2024-10-21"));
    std::string base = endpoint.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    UpstreamRequest out;
    out.url = base + "/openai/deployments/" + deployment + "/chat/completions?api-version=" + version;
    out.headers.emplace_back("Content-Type", "application/json");
    if (!endpoint.api_key.empty()) out.headers.emplace_back("api-key", endpoint.api_key);
    for (const auto& header : endpoint.headers) out.headers.push_back(header);
    // The deployment fixes the model: none in the body.
    out.body = sdk::openai_request_body(request, "").dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return out;
  }

  tl::expected<ChatResult, ProviderError> decode(const UpstreamResponse& response) const override {
    return sdk::openai_decode(response);
  }
  std::unique_ptr<StreamDecoder> stream_decoder(const ChatRequest&) const override {
    return sdk::openai_stream_decoder();
  }
  ProviderError classify(const UpstreamResponse& response) const override {
    return sdk::openai_classify(Provider::classify(response), response);
  }
};

std::shared_ptr<Plugin> make_azure(const nlohmann::json&, HostServices&) {
  return std::make_shared<AzureOpenAiProvider>();
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::provider, "azure-openai", "1.0.0",
                   "Azure OpenAI deployments (api-version, api-key)", make_azure)
