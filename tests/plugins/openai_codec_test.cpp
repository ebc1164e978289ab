// The openai codec from recorded request and response bodies, loaded from its .so.
#include <switchboard/plugin_registry.hpp>

#include <gtest/gtest.h>

#include "../support/server_process.hpp"
#include "fake_host_services.hpp"

namespace switchboard {
namespace {

using nlohmann::json;

class OpenAiCodec : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = registry_.load("providers/openai.so", "openai", json::object());
    ASSERT_TRUE(loaded) << loaded.error().message;
    codec_ = (*loaded)->provider;
  }
  test::TempDir temp_;
  PluginRegistry registry_{SWITCHBOARD_PLUGIN_DIR, temp_.path(),
                           [](const std::string&) { return std::make_shared<test::FakeHostServices>(); }};
  plugin::Provider* codec_ = nullptr;
};

TEST_F(OpenAiCodec, EncodesARequestAsOpenAiExpects) {
  plugin::ChatRequest request;
  request.messages = {{"system", "Be brief.", ""}, {"user", "Hi", "ann"}};
  request.temperature = 0.2;
  request.max_tokens = 50;
  request.stop = {"\n\n"};
  request.stream = true;
  request.extra = {{"response_format", {{"type", "json_object"}}}, {"provider", "ignored"}};
  plugin::ProviderEndpoint endpoint{"or",
                                    "https://openrouter.ai/api/v1/",
                                    "sk-or-123",
                                    "meta-llama/llama-3-8b-instruct",
                                    {{"HTTP-Referer", "https://example.org"}},
                                    json::object()};
  auto encoded = codec_->encode(request, endpoint);
  ASSERT_TRUE(encoded);
  EXPECT_EQ(encoded->url, "https://openrouter.ai/api/v1/chat/completions");
  EXPECT_EQ(plugin::find_header(encoded->headers, "Authorization"), "Bearer sk-or-123");
  EXPECT_EQ(plugin::find_header(encoded->headers, "HTTP-Referer"), "https://example.org");
  auto body = json::parse(encoded->body);
  EXPECT_EQ(body["model"], "meta-llama/llama-3-8b-instruct");
  EXPECT_EQ(body["messages"][1], (json{{"role", "user"}, {"content", "Hi"}, {"name", "ann"}}));
  EXPECT_EQ(body["temperature"], 0.2);
  EXPECT_EQ(body["max_tokens"], 50);
  EXPECT_EQ(body["stop"][0], "\n\n");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_FALSE(body.contains("provider"));
}

TEST_F(OpenAiCodec, DecodesARecordedCompletion) {
  const std::string recorded = R"({"id":"chatcmpl-9x","object":"chat.completion","created":1718000000,
    "model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!",
    "refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":9,
    "total_tokens":28,"prompt_tokens_details":{"cached_tokens":3}},"system_fingerprint":"fp_1"})";
  auto result = codec_->decode({200, {}, recorded});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->id, "chatcmpl-9x");
  EXPECT_EQ(result->model, "gpt-4o-mini-2024-07-18");
  EXPECT_EQ(result->content, "Hello!");
  EXPECT_EQ(result->finish_reason, "stop");
  EXPECT_EQ(result->usage.input_tokens, 19);
  EXPECT_EQ(result->usage.output_tokens, 9);
  EXPECT_EQ(result->usage.cached_tokens, 3);
  EXPECT_FALSE(codec_->decode({200, {}, "{not json"}));
  EXPECT_FALSE(codec_->decode({200, {}, R"({"choices":[]})"}));
}

TEST_F(OpenAiCodec, DecodesARecordedStreamIncludingTheUsageChunk) {
  const std::vector<std::string> events = {
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})",
      "[DONE]"};
  auto decoder = codec_->stream_decoder({});
  ASSERT_TRUE(decoder);
  std::string text;
  std::optional<std::string> finish;
  std::optional<plugin::Usage> usage;
  for (const auto& data : events) {
    auto chunks = decoder->on_event({"", data});
    ASSERT_TRUE(chunks) << data;
    for (const auto& chunk : *chunks) {
      text += chunk.delta;
      if (chunk.finish_reason) finish = chunk.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
  }
  EXPECT_TRUE(decoder->finished());
  EXPECT_EQ(text, "Hello");
  EXPECT_EQ(finish, "stop");
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->output_tokens, 2);
  EXPECT_FALSE(codec_->stream_decoder({})->on_event({"", "{broken"}));
  EXPECT_FALSE(codec_->stream_decoder({})->on_event({"", R"({"error":{"message":"overloaded"}})"}));
}

TEST_F(OpenAiCodec, ClassifiesFailures) {
  auto limited = codec_->classify({429, {{"retry-after", "7"}}, R"({"error":{"message":"Rate limit reached"}})"});
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.code, "rate_limited");
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(7));
  EXPECT_EQ(limited.message, "Rate limit reached");
  auto too_long = codec_->classify({400, {}, R"({"error":{"message":"too long","code":"context_length_exceeded"}})"});
  EXPECT_FALSE(too_long.retryable);
  EXPECT_EQ(too_long.code, "context_length_exceeded");
  EXPECT_TRUE(codec_->classify({503, {}, "oops"}).retryable);
  EXPECT_FALSE(codec_->classify({401, {}, ""}).retryable);
}

}  // namespace
}  // namespace switchboard
