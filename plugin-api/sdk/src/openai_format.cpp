#include <switchboard/sdk/openai_format.hpp>

#include <switchboard/sdk/json_fields.hpp>

namespace switchboard::sdk {
namespace {

using namespace switchboard::plugin;
using nlohmann::json;

// Request fields the host uses itself and never forwards.
bool host_only(const std::string& key) { return key == "provider" || key == "messages"; }

Usage usage_from(const json& usage) {
  Usage out;
  if (!usage.is_object()) return out;
  out.input_tokens = integer_field(usage, "prompt_tokens");
  out.output_tokens = integer_field(usage, "completion_tokens");
  out.cached_tokens = integer_field(object_field(usage, "prompt_tokens_details"), "cached_tokens");
  return out;
}

std::string text_of(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  if (content.is_array()) {  // content parts: keep the text ones
    for (const auto& part : content) {
      if (text_field(part, "type") == "text") out += text_field(part, "text");
    }
  }
  return out;
}

ProviderError bad_response(const std::string& why) { return provider_error("bad_response", why, 0, true); }

class OpenAiStreamDecoder final : public StreamDecoder {
 public:
  tl::expected<std::vector<ChatChunk>, ProviderError> on_event(const StreamEvent& event) override {
    std::vector<ChatChunk> chunks;
    if (event.data == "[DONE]") {
      finished_ = true;
      return chunks;
    }
    json data = json::parse(event.data, nullptr, false);
    if (data.is_discarded() || !data.is_object()) return tl::unexpected(bad_response("malformed stream event"));
    if (data.contains("error")) {
      const auto& error = data["error"];
      return tl::unexpected(provider_error("upstream_error", text_field(error, "message", "error in stream"), 0, true));
    }
    ChatChunk chunk;
    bool meaningful = false;
    if (data.contains("choices") && data["choices"].is_array() && !data["choices"].empty()) {
      const auto& choice = data["choices"][0];
      if (choice.contains("delta") && choice["delta"].is_object() && choice["delta"].contains("content")) {
        chunk.delta = text_of(choice["delta"]["content"]);
        meaningful = meaningful || !chunk.delta.empty();
      }
      if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
        chunk.finish_reason = choice["finish_reason"].get<std::string>();
        meaningful = true;
      }
    }
    if (data.contains("usage") && data["usage"].is_object()) {
      chunk.usage = usage_from(data["usage"]);
      meaningful = true;
    }
    if (meaningful) chunks.push_back(std::move(chunk));
    return chunks;
  }
  bool finished() const override { return finished_; }

 private:
  bool finished_ = false;
};

}  // namespace

json openai_request_body(const ChatRequest& request, const std::string& model) {
  json body = json::object();
  if (!model.empty()) body["model"] = model;
  if (request.extra.is_object() && request.extra.contains("messages") && request.extra["messages"].is_array()) {
    body["messages"] = request.extra["messages"];  // the client's own messages, tool calls and all
  } else {
    json messages = json::array();
    for (const auto& message : request.messages) {
      json m = {{"role", message.role}, {"content", message.content}};
      if (!message.name.empty()) m["name"] = message.name;
      messages.push_back(std::move(m));
    }
    body["messages"] = std::move(messages);
  }
  if (request.temperature) body["temperature"] = *request.temperature;
  if (request.top_p) body["top_p"] = *request.top_p;
  if (request.max_tokens) body["max_tokens"] = *request.max_tokens;
  if (!request.stop.empty()) body["stop"] = request.stop;
  if (request.extra.is_object()) {
    for (auto it = request.extra.begin(); it != request.extra.end(); ++it) {
      if (!host_only(it.key())) body[it.key()] = *it;
    }
  }
  body["stream"] = request.stream;
  if (request.stream) body["stream_options"] = {{"include_usage", true}};
  return body;
}

tl::expected<ChatResult, ProviderError> openai_decode(const UpstreamResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return tl::unexpected(bad_response("response is not JSON"));
  if (!body.contains("choices") || !body["choices"].is_array() || body["choices"].empty() ||
      !body["choices"][0].is_object()) {
    return tl::unexpected(bad_response("response has no choices"));
  }
  const auto& choice = body["choices"][0];
  ChatResult result;
  result.id = text_field(body, "id");
  result.model = text_field(body, "model");
  if (choice.contains("message") && choice["message"].is_object() && choice["message"].contains("content")) {
    result.content = text_of(choice["message"]["content"]);
  }
  result.finish_reason = choice.contains("finish_reason") && choice["finish_reason"].is_string()
                             ? choice["finish_reason"].get<std::string>()
                             : "stop";
  if (body.contains("usage")) result.usage = usage_from(body["usage"]);
  return result;
}

std::unique_ptr<StreamDecoder> openai_stream_decoder() { return std::make_unique<OpenAiStreamDecoder>(); }

ProviderError openai_classify(ProviderError error, const UpstreamResponse& response) {
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    const auto& detail = body["error"];
    if (detail.contains("message") && detail["message"].is_string()) error.message = detail["message"];
    if (text_field(detail, "code") == "context_length_exceeded") {
      error.code = "context_length_exceeded";
      error.retryable = false;
    }
  }
  return error;
}

}  // namespace switchboard::sdk
