// Codec for Anthropic's Messages API: x-api-key and anthropic-version headers, system
// messages lifted into `system`, max_tokens always sent (the API requires it), stop reasons
// and usage mapped to the OpenAI vocabulary, and the named SSE events of its streams.
// Instance options:
//   anthropic_version: default "2023-06-01"
//   max_tokens:        used when a request sets none (default 1024)
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/provider.hpp>

namespace {

using namespace switchboard::plugin;
using nlohmann::json;

std::string finish_reason(const json& stop_reason) {
  if (!stop_reason.is_string()) return "stop";
  const std::string reason = stop_reason;
  if (reason == "max_tokens") return "length";
  if (reason == "tool_use") return "tool_calls";
  return "stop";  // end_turn, stop_sequence
}

// Anthropic counts cache reads and writes apart from input_tokens; ours include them.
Usage usage_from(const json& usage) {
  Usage out;
  if (!usage.is_object()) return out;
  const auto read = usage.value("cache_read_input_tokens", 0LL);
  const auto created = usage.value("cache_creation_input_tokens", 0LL);
  out.input_tokens = usage.value("input_tokens", 0LL) + read + created;
  out.output_tokens = usage.value("output_tokens", 0LL);
  out.cached_tokens = read;
  return out;
}

ProviderError bad_response(const std::string& why) { return provider_error("bad_response", why, 0, true); }

class AnthropicStreamDecoder final : public StreamDecoder {
 public:
  tl::expected<std::vector<ChatChunk>, ProviderError> on_event(const StreamEvent& event) override {
    std::vector<ChatChunk> chunks;
    if (event.event == "ping") return chunks;
    json data = json::parse(event.data, nullptr, false);
    if (data.is_discarded() || !data.is_object()) return tl::unexpected(bad_response("malformed stream event"));
    const std::string type = data.value("type", event.event);
    if (type == "error") {
      const auto& error = data.contains("error") && data["error"].is_object() ? data["error"] : json::object();
      const bool overloaded = error.value("type", "") == "overloaded_error";
      return tl::unexpected(provider_error(overloaded ? "overloaded" : "upstream_error",
                                           error.value("message", std::string("error in stream")), 0, true));
    }
    if (type == "message_start" && data.contains("message") && data["message"].is_object()) {
      usage_ = usage_from(data["message"].value("usage", json::object()));
    } else if (type == "content_block_delta" && data.contains("delta") && data["delta"].is_object()) {
      if (data["delta"].value("type", "") == "text_delta") {
        ChatChunk chunk;
        chunk.delta = data["delta"].value("text", "");
        if (!chunk.delta.empty()) chunks.push_back(std::move(chunk));
      }
    } else if (type == "message_delta") {
      ChatChunk chunk;
      if (data.contains("delta") && data["delta"].is_object() && data["delta"].contains("stop_reason")) {
        chunk.finish_reason = finish_reason(data["delta"]["stop_reason"]);
      }
      if (data.contains("usage") && data["usage"].is_object()) {
        usage_.output_tokens = data["usage"].value("output_tokens", usage_.output_tokens);
      }
      chunk.usage = usage_;
      chunks.push_back(std::move(chunk));
    } else if (type == "message_stop") {
      finished_ = true;
    }
    return chunks;
  }
  bool finished() const override { return finished_; }

 private:
  Usage usage_;
  bool finished_ = false;
};

class AnthropicProvider final : public Provider {
 public:
  bool in_process() const override { return false; }

  tl::expected<UpstreamRequest, ProviderError> encode(const ChatRequest& request,
                                                      const ProviderEndpoint& endpoint) const override {
    std::string base = endpoint.base_url.empty() ? "https://api.anthropic.com" : endpoint.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    json body = json::object();
    body["model"] = request.model.empty() ? endpoint.model : request.model;
    body["max_tokens"] = request.max_tokens.value_or(endpoint.options.value("max_tokens", 1024));
    std::string system;
    json messages = json::array();
    for (const auto& message : request.messages) {
      if (message.role == "system") {
        system += (system.empty() ? "" : "\n\n") + message.content;
        continue;
      }
      // The API alternates user and assistant; consecutive turns of one role are merged.
      const std::string role = message.role == "assistant" ? "assistant" : "user";
      if (!messages.empty() && messages.back()["role"] == role) {
        messages.back()["content"] = messages.back()["content"].get<std::string>() + "\n\n" + message.content;
      } else {
        messages.push_back({{"role", role}, {"content", message.content}});
      }
    }
    if (messages.empty()) return tl::unexpected(provider_error("bad_request", "no user message"));
    body["messages"] = std::move(messages);
    if (!system.empty()) body["system"] = system;
    if (request.temperature) body["temperature"] = std::min(*request.temperature, 1.0);  // Anthropic's range is 0–1
    if (request.top_p) body["top_p"] = *request.top_p;
    if (!request.stop.empty()) body["stop_sequences"] = request.stop;
    if (request.stream) body["stream"] = true;

    UpstreamRequest out;
    out.url = base + (base.ends_with("/v1") ? "/messages" : "/v1/messages");
    out.headers.emplace_back("Content-Type", "application/json");
    out.headers.emplace_back("anthropic-version",
                             endpoint.options.value("anthropic_version", std::string("2023-06-01")));
    if (!endpoint.api_key.empty()) out.headers.emplace_back("x-api-key", endpoint.api_key);
    for (const auto& header : endpoint.headers) out.headers.push_back(header);
    out.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return out;
  }

  tl::expected<ChatResult, ProviderError> decode(const UpstreamResponse& response) const override {
    json body = json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return tl::unexpected(bad_response("response is not JSON"));
    if (!body.contains("content") || !body["content"].is_array())
      return tl::unexpected(bad_response("response has no content"));
    ChatResult result;
    result.id = body.value("id", "");
    result.model = body.value("model", "");
    for (const auto& block : body["content"]) {
      if (block.is_object() && block.value("type", "") == "text") result.content += block.value("text", "");
    }
    result.finish_reason = finish_reason(body.value("stop_reason", json()));
    result.usage = usage_from(body.value("usage", json::object()));
    return result;
  }

  std::unique_ptr<StreamDecoder> stream_decoder(const ChatRequest&) const override {
    return std::make_unique<AnthropicStreamDecoder>();
  }

  ProviderError classify(const UpstreamResponse& response) const override {
    ProviderError error = Provider::classify(response);
    if (response.status == 529) {  // overloaded
      error.code = "overloaded";
      error.retryable = true;
    }
    json body = json::parse(response.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
      error.message = body["error"].value("message", error.message);
    }
    return error;
  }
};

std::shared_ptr<Plugin> make_anthropic(const json&, HostServices&) { return std::make_shared<AnthropicProvider>(); }

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::provider, "anthropic", "1.0.0",
                   "Anthropic Messages API (streaming, system prompt, usage)", make_anthropic)
