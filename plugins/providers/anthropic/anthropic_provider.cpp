// Codec for Anthropic's Messages API: x-api-key and anthropic-version headers, system
// messages lifted into `system`, max_tokens always sent (the API requires it), stop reasons
// and usage mapped to the OpenAI vocabulary, and the named SSE events of its streams.
// Instance options:
//   anthropic_version: default "2023-06-01"
//   max_tokens:        used when a request sets none (default 1024)
#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/provider.hpp>
#include <switchboard/sdk/json_fields.hpp>

namespace {

using namespace switchboard::plugin;
using nlohmann::json;
using switchboard::sdk::integer_field;
using switchboard::sdk::object_field;
using switchboard::sdk::text_field;

std::string finish_reason(const std::string& reason) {
  if (reason == "max_tokens") return "length";
  if (reason == "tool_use") return "tool_calls";
  return "stop";  // end_turn, stop_sequence
}

// Anthropic counts cache reads and writes apart from input_tokens; ours include them.
Usage usage_from(const json& usage) {
  Usage out;
  const auto read = integer_field(usage, "cache_read_input_tokens");
  const auto created = integer_field(usage, "cache_creation_input_tokens");
  out.input_tokens = integer_field(usage, "input_tokens") + read + created;
  out.output_tokens = integer_field(usage, "output_tokens");
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
    const std::string type = text_field(data, "type", event.event);
    if (type == "error") {
      const auto& error = object_field(data, "error");
      const bool overloaded = text_field(error, "type") == "overloaded_error";
      return tl::unexpected(provider_error(overloaded ? "overloaded" : "upstream_error",
                                           text_field(error, "message", "error in stream"), 0, true));
    }
    if (type == "message_start") {
      usage_ = usage_from(object_field(object_field(data, "message"), "usage"));
    } else if (type == "content_block_delta") {
      const auto& delta = object_field(data, "delta");
      if (text_field(delta, "type") == "text_delta") {
        ChatChunk chunk;
        chunk.delta = text_field(delta, "text");
        if (!chunk.delta.empty()) chunks.push_back(std::move(chunk));
      }
    } else if (type == "message_delta") {
      ChatChunk chunk;
      const auto& delta = object_field(data, "delta");
      if (delta.contains("stop_reason")) chunk.finish_reason = finish_reason(text_field(delta, "stop_reason"));
      usage_.output_tokens = integer_field(object_field(data, "usage"), "output_tokens", usage_.output_tokens);
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
    result.id = text_field(body, "id");
    result.model = text_field(body, "model");
    for (const auto& block : body["content"]) {
      if (text_field(block, "type") == "text") result.content += text_field(block, "text");
    }
    result.finish_reason = finish_reason(text_field(body, "stop_reason"));
    result.usage = usage_from(object_field(body, "usage"));
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
    error.message = text_field(object_field(body, "error"), "message", error.message);
    return error;
  }
};

std::shared_ptr<Plugin> make_anthropic(const json&, HostServices&) { return std::make_shared<AnthropicProvider>(); }

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::provider, "anthropic", "1.0.0",
                   "Anthropic Messages API (streaming, system prompt, usage)", make_anthropic)
