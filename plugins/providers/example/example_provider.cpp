// An example provider plugin, to copy when writing your own (see README.md beside it).
// It answers in process — no network — by shouting the last user message back, whole or
// word by word as a stream. Configuration (the plugin's `config`):
//   prefix: text put before the answer (default "EXAMPLE:")
#include <cctype>
#include <sstream>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/provider.hpp>

namespace {

using namespace switchboard::plugin;

class ExampleProvider final : public Provider {
 public:
  explicit ExampleProvider(std::string prefix) : prefix_(std::move(prefix)) {}

  // In-process: the host calls complete()/stream() on a worker thread instead of sending
  // HTTP. An HTTP provider returns false and implements encode/decode/stream_decoder.
  bool in_process() const override { return true; }

  SelfCheck self_check() override {
    if (prefix_.size() > 64) return {false, "prefix is longer than 64 characters"};
    return {};
  }

  tl::expected<ChatResult, ProviderError> complete(const ChatRequest& request,
                                                   const ProviderEndpoint& endpoint) override {
    std::string last_user;
    for (const auto& message : request.messages) {
      if (message.role == "user") last_user = message.content;
    }
    if (last_user.empty()) return tl::unexpected(provider_error("bad_request", "no user message"));
    std::string text = prefix_ + " ";
    for (char c : last_user) text.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    ChatResult result;
    result.model = request.model.empty() ? endpoint.model : request.model;
    result.content = text;
    result.finish_reason = "stop";
    result.usage.input_tokens = static_cast<std::int64_t>(last_user.size() / 4 + 1);
    result.usage.output_tokens = static_cast<std::int64_t>(text.size() / 4 + 1);
    return result;
  }

  tl::expected<ChatResult, ProviderError> stream(const ChatRequest& request, const ProviderEndpoint& endpoint,
                                                 const ChunkCallback& on_chunk) override {
    auto result = complete(request, endpoint);
    if (!result) return result;
    std::istringstream words(result->content);
    std::string word;
    bool first = true;
    while (words >> word) {
      if (!on_chunk(ChatChunk{first ? word : " " + word, std::nullopt, std::nullopt})) return result;  // client left
      first = false;
    }
    on_chunk(ChatChunk{"", result->finish_reason, result->usage});
    return result;
  }

 private:
  std::string prefix_;
};

// The factory: configuration in, instance out. Throwing refuses the plugin with the message.
std::shared_ptr<Plugin> make_example(const nlohmann::json& config, HostServices& host) {
  host.logger().info("example provider starting");
  return std::make_shared<ExampleProvider>(config.value("prefix", std::string("EXAMPLE:")));
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::provider, "example", "1.0.0",
                   "Example in-process provider: shouts the last user message back", make_example)
