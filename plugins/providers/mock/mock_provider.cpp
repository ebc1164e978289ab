// The offline provider: deterministic answers derived from the request, so the server runs
// and tests pass with no key and no network. Configuration:
//   latency_ms:      delay before answering (default 0)
//   chunk_delay_ms:  delay between streamed chunks (default 0)
//   failure_rate:    share of calls that fail with a retryable error, 0..1 (default 0)
//   seed:            seed of the failure dice (default 42)
// A user message containing "[mock:fail]" always fails (for tests of error paths).
// Structured answers: a request whose `response_format` is `json_schema` gets JSON that
// validates against the schema, `json_object` gets a JSON object, and one whose system message
// asks for XML gets a well-formed XML document — so structured extraction works offline.
#include <algorithm>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <switchboard/plugin/export.hpp>
#include <switchboard/plugin/provider.hpp>

#include "schema_example.hpp"

namespace {

using namespace switchboard::plugin;

constexpr const char* kWords[] = {"the",     "lantern",  "river",    "quietly", "morning", "friend", "journey",
                                  "bright",  "story",    "across",   "garden",  "laughed", "window", "remembered",
                                  "small",   "mountain", "together", "kind",    "under",   "silver", "promise",
                                  "village", "softly",   "found",    "evening", "and",     "with"};

// A rough token count: about four characters per token, at least one per word.
std::int64_t count_tokens(const std::string& text) {
  std::int64_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return std::max<std::int64_t>(words, static_cast<std::int64_t>((text.size() + 3) / 4));
}

class MockProvider final : public Provider {
 public:
  MockProvider(const nlohmann::json& config)
      : latency_(config.value("latency_ms", 0)),
        chunk_delay_(config.value("chunk_delay_ms", 0)),
        failure_rate_(config.value("failure_rate", 0.0)),
        dice_(config.value("seed", 42u)) {
    if (latency_.count() < 0 || chunk_delay_.count() < 0)
      throw std::invalid_argument("latency_ms and chunk_delay_ms must be >= 0");
    if (failure_rate_ < 0.0 || failure_rate_ > 1.0) throw std::invalid_argument("failure_rate must be within 0..1");
  }

  bool in_process() const override { return true; }

  tl::expected<ChatResult, ProviderError> complete(const ChatRequest& request,
                                                   const ProviderEndpoint& endpoint) override {
    if (auto failure = maybe_fail(request)) return tl::unexpected(*failure);
    std::this_thread::sleep_for(latency_);
    return answer(request, endpoint);
  }

  tl::expected<ChatResult, ProviderError> stream(const ChatRequest& request, const ProviderEndpoint& endpoint,
                                                 const ChunkCallback& on_chunk) override {
    if (auto failure = maybe_fail(request)) return tl::unexpected(*failure);
    std::this_thread::sleep_for(latency_);
    ChatResult result = answer(request, endpoint);
    std::istringstream words(result.content);
    std::string word;
    bool first = true;
    while (words >> word) {
      if (!first) std::this_thread::sleep_for(chunk_delay_);
      if (!on_chunk(ChatChunk{first ? word : " " + word, std::nullopt, std::nullopt})) return result;
      first = false;
    }
    on_chunk(ChatChunk{"", result.finish_reason, result.usage});
    return result;
  }

 private:
  std::optional<ProviderError> maybe_fail(const ChatRequest& request) {
    for (const auto& message : request.messages) {
      if (message.content.find("[mock:fail]") != std::string::npos) {
        return provider_error("mock_failure", "mock failure requested", 503, true);
      }
    }
    if (failure_rate_ <= 0.0) return std::nullopt;
    std::lock_guard lock(dice_mutex_);
    if (std::uniform_real_distribution<double>(0.0, 1.0)(dice_) < failure_rate_) {
      return provider_error("mock_failure", "mock failure (failure_rate)", 503, true);
    }
    return std::nullopt;
  }

  ChatResult answer(const ChatRequest& request, const ProviderEndpoint& endpoint) const {
    std::string prompt;
    std::string last_user;
    bool wants_xml = false;
    for (const auto& message : request.messages) {
      prompt += message.role + ": " + message.content + "\n";
      if (message.role == "user") last_user = message.content;
      if (message.role == "system" && message.content.find("XML") != std::string::npos) wants_xml = true;
    }
    // The same request always gets the same answer: words chosen by a hash of the prompt.
    std::uint64_t state = std::hash<std::string>{}(prompt) | 1;
    if (auto structured = structured_answer(request, wants_xml, state))
      return finished(request, endpoint, prompt, *structured, "stop");
    const int length = 24 + static_cast<int>(state % 24);
    std::string text = "Mock answer to \"" + last_user.substr(0, 60) + "\":";
    int produced = 0;
    std::string finish = "stop";
    for (int i = 0; i < length; ++i) {
      if (request.max_tokens && produced >= *request.max_tokens) {
        finish = "length";
        break;
      }
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      text += " ";
      text += kWords[state % (sizeof kWords / sizeof *kWords)];
      ++produced;
    }
    text += ".";
    return finished(request, endpoint, prompt, text, finish);
  }

  static std::optional<std::string> structured_answer(const ChatRequest& request, bool wants_xml, std::uint64_t seed) {
    const auto format = request.extra.is_object() ? request.extra.find("response_format") : request.extra.end();
    if (format != request.extra.end() && format->is_object()) {
      const std::string type = format->value("type", "");
      if (type == "json_schema") {
        const auto spec = format->value("json_schema", nlohmann::json::object());
        return switchboard::mock::example_for(spec.value("schema", nlohmann::json::object()), seed).dump();
      }
      if (type == "json_object") {
        return nlohmann::json{{"answer", switchboard::mock::example_for({{"type", "string"}}, seed)}}.dump();
      }
    }
    if (wants_xml) return switchboard::mock::example_xml(seed);
    return std::nullopt;
  }

  static ChatResult finished(const ChatRequest& request, const ProviderEndpoint& endpoint, const std::string& prompt,
                             std::string text, std::string finish) {
    ChatResult result;
    result.id = "mock-" + std::to_string(std::hash<std::string>{}(prompt) % 1000000007ULL);
    result.model = request.model.empty() ? endpoint.model : request.model;
    result.usage.input_tokens = count_tokens(prompt);
    result.usage.output_tokens = count_tokens(text);
    result.content = std::move(text);
    result.finish_reason = std::move(finish);
    return result;
  }

  std::chrono::milliseconds latency_;
  std::chrono::milliseconds chunk_delay_;
  double failure_rate_;
  std::mutex dice_mutex_;
  std::mt19937 dice_;
};

std::shared_ptr<Plugin> make_mock(const nlohmann::json& config, HostServices&) {
  return std::make_shared<MockProvider>(config);
}

}  // namespace

SWITCHBOARD_PLUGIN(switchboard::plugin::PluginKind::provider, "mock", "1.0.0",
                   "Offline deterministic provider (no key, no network)", make_mock)
