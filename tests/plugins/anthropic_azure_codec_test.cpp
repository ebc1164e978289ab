// The anthropic and azure-openai codecs from recorded bodies, each loaded from its .so.
#include <switchboard/plugin_registry.hpp>

#include <gtest/gtest.h>

#include "../support/server_process.hpp"
#include "fake_host_services.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

class Codecs : public ::testing::Test {
 protected:
  plugin::Provider* load(const std::string& file) {
    auto loaded = registry_.load(file, "", json::object());
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return loaded ? (*loaded)->provider : nullptr;
  }
  test::TempDir temp_;
  PluginRegistry registry_{SWITCHBOARD_PLUGIN_DIR, temp_.path(),
                           [](const std::string&) { return std::make_shared<test::FakeHostServices>(); }};
};

TEST_F(Codecs, AnthropicMapsSystemPromptHeadersAndRequiredMaxTokens) {
  auto* codec = load("providers/anthropic.so");
  ASSERT_TRUE(codec);
  plugin::ChatRequest request;
  request.messages = {{"system", "You are terse.", ""}, {"user", "Hi", ""}, {"user", "Again", ""}};
  request.stream = true;
  request.temperature = 1.5;
  auto encoded = codec->encode(
      request, {"claude", "https://api.anthropic.com", "sk-ant-1", "claude-sonnet-4-20250514", {}, json::object()});
  ASSERT_TRUE(encoded);
  EXPECT_EQ(encoded->url, "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(plugin::find_header(encoded->headers, "x-api-key"), "sk-ant-1");
  EXPECT_EQ(plugin::find_header(encoded->headers, "anthropic-version"), "2023-06-01");
  auto body = json::parse(encoded->body);
  EXPECT_EQ(body["system"], "You are terse.");
  EXPECT_EQ(body["max_tokens"], 1024);
  EXPECT_EQ(body["temperature"], 1.0);
  ASSERT_EQ(body["messages"].size(), 1u);  // consecutive user turns merged
  EXPECT_EQ(body["messages"][0]["content"], "Hi\n\nAgain");
  EXPECT_EQ(body["stream"], true);
}

TEST_F(Codecs, AnthropicDecodesARecordedMessage) {
  auto* codec = load("providers/anthropic.so");
  ASSERT_TRUE(codec);
  const std::string recorded = R"({"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-20250514",
    "content":[{"type":"text","text":"Hello"},{"type":"text","text":" there"}],"stop_reason":"max_tokens",
    "stop_sequence":null,"usage":{"input_tokens":12,"cache_read_input_tokens":8,"cache_creation_input_tokens":0,
    "output_tokens":6}})";
  auto result = codec->decode({200, {}, recorded});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->content, "Hello there");
  EXPECT_EQ(result->finish_reason, "length");
  EXPECT_EQ(result->usage.input_tokens, 20);
  EXPECT_EQ(result->usage.cached_tokens, 8);
  EXPECT_EQ(result->usage.output_tokens, 6);
}

TEST_F(Codecs, AnthropicDecodesARecordedStream) {
  auto* codec = load("providers/anthropic.so");
  ASSERT_TRUE(codec);
  const std::vector<plugin::StreamEvent> events = {
      {"message_start",
       R"({"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":25,"output_tokens":1}}})"},
      {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
      {"ping", R"({"type": "ping"})"},
      {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})"},
      {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}})"},
      {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
      {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":15}})"},
      {"message_stop", R"({"type":"message_stop"})"}};
  auto decoder = codec->stream_decoder({});
  std::string text;
  std::optional<plugin::Usage> usage;
  std::optional<std::string> finish;
  for (const auto& event : events) {
    auto chunks = decoder->on_event(event);
    ASSERT_TRUE(chunks) << event.event;
    for (const auto& c : *chunks) {
      text += c.delta;
      if (c.usage) usage = c.usage;
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  EXPECT_TRUE(decoder->finished());
  EXPECT_EQ(text, "Hello");
  EXPECT_EQ(finish, "stop");
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->input_tokens, 25);
  EXPECT_EQ(usage->output_tokens, 15);
  auto overloaded = codec->stream_decoder({})->on_event(
      {"error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"});
  ASSERT_FALSE(overloaded);
  EXPECT_TRUE(overloaded.error().retryable);
  EXPECT_EQ(overloaded.error().code, "overloaded");
  EXPECT_TRUE(
      codec->classify({529, {}, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"})
          .retryable);
}

// Found by fuzz_codec_anthropic: fields of an unexpected type threw out of the decoder
// (nlohmann's value() throws on a type mismatch) instead of being read as absent.
TEST_F(Codecs, AnthropicReadsFieldsOfTheWrongTypeAsAbsent) {
  auto* codec = load("providers/anthropic.so");
  ASSERT_TRUE(codec);
  auto decoder = codec->stream_decoder({});
  const char* events[][2] = {
      {"message_start", R"({"type":{"x":1},"message":{"usage":{"input_tokens":"many"}}})"},
      {"message_start", R"({"type":"message_start","message":{"usage":{"input_tokens":[1]}}})"},
      {"content_block_delta", R"({"type":"content_block_delta","delta":{"type":"text_delta","text":7}})"},
      {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":5},"usage":{"output_tokens":"2"}})"},
      {"error", R"({"type":"error","error":{"type":1,"message":{"m":1}}})"},
  };
  for (const auto& [name, data] : events) {
    tl::expected<std::vector<plugin::ChatChunk>, plugin::ProviderError> chunks;
    EXPECT_NO_THROW(chunks = decoder->on_event({name, data})) << data;
  }
  auto last = decoder->on_event({"message_delta", R"({"type":"message_delta","delta":{"stop_reason":5}})"});
  ASSERT_TRUE(last);
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].finish_reason, "stop");
  EXPECT_NO_THROW(codec->decode({200, {}, R"({"id":1,"model":[],"content":[{"type":"text","text":{}}],"usage":5})"}));
  EXPECT_NO_THROW(codec->classify({500, {}, R"({"error":{"message":42}})"}));
}

TEST_F(Codecs, AzureUsesDeploymentUrlsApiVersionAndApiKey) {
  auto* codec = load("providers/azure-openai.so");
  ASSERT_TRUE(codec);
  plugin::ChatRequest request;
  request.model = "gpt-4o";
  request.messages = {{"user", "Hi", ""}};
  json options = {{"api_version", "2024-06-01"}, {"deployments", {{"gpt-4o", "prod-gpt4o"}}}};
  auto encoded = codec->encode(request, {"az", "https://acme.openai.azure.com/", "azkey", "", {}, options});
  ASSERT_TRUE(encoded);
  EXPECT_EQ(encoded->url,
            "https://acme.openai.azure.com/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-06-01");
  EXPECT_EQ(plugin::find_header(encoded->headers, "api-key"), "azkey");
  EXPECT_FALSE(plugin::find_header(encoded->headers, "Authorization"));
  EXPECT_FALSE(json::parse(encoded->body).contains("model"));
  auto decoded = codec->decode(
      {200,
       {},
       R"({"choices":[{"message":{"content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}})"});
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->content, "ok");
}

}  // namespace
}  // namespace switchboard
