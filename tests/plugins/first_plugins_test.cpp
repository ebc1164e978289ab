// Behaviour of the first real plugins, each loaded from its .so.
#include <switchboard/plugin_registry.hpp>

#include <gtest/gtest.h>

#include "../support/server_process.hpp"
#include "fake_host_services.hpp"

namespace switchboard {
namespace {

class FirstPlugins : public ::testing::Test {
 protected:
  PluginPtr load(const std::string& file, nlohmann::json config = nlohmann::json::object()) {
    auto loaded = registry_.load(file, "", config);
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
    return loaded ? *loaded : nullptr;
  }
  std::string refusal(const std::string& file, nlohmann::json config) {
    auto loaded = registry_.load(file, "", config);
    EXPECT_FALSE(loaded);
    return loaded ? "" : loaded.error().message;
  }

  test::TempDir temp_;
  PluginRegistry registry_{SWITCHBOARD_PLUGIN_DIR, temp_.path(),
                           [](const std::string&) { return std::make_shared<test::FakeHostServices>(); }};
};

plugin::HttpRequestInfo request(std::string method, std::string path, std::size_t body_size = 0,
                                plugin::HeaderList headers = {}) {
  plugin::HttpRequestInfo info;
  info.method = std::move(method);
  info.path = std::move(path);
  info.body_size = body_size;
  info.headers = std::move(headers);
  return info;
}

TEST_F(FirstPlugins, PriceTablePricesExactlyFromPricingYaml) {
  auto table = load("cost/price-table.so");
  ASSERT_TRUE(table && table->cost_model);
  // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output, $0.075 / 1M cached input.
  plugin::Usage usage{1000, 500, 200};
  auto price = table->cost_model->price("gpt-4o-mini", usage);
  ASSERT_TRUE(price);
  // (800 × 0.15 + 200 × 0.075 + 500 × 0.60) / 1M = (120 + 15 + 300) / 1M USD = 435 µ$.
  EXPECT_EQ(price->cost_nano_usd, 435'000);
  EXPECT_EQ(price->input_per_million_micro_usd, 150000);
  EXPECT_EQ(price->output_per_million_micro_usd, 600000);
  EXPECT_EQ(price->cached_per_million_micro_usd, 75000);
  // A million output tokens of claude-opus-4 cost exactly $75.
  auto opus = table->cost_model->price("claude-opus-4-20250514", {0, 1000000, 0});
  ASSERT_TRUE(opus);
  EXPECT_EQ(opus->cost_nano_usd, 75'000'000'000LL);
}

TEST_F(FirstPlugins, PriceTableMatchesPrefixesAndKnowsWhatItDoesNotKnow) {
  auto table = load("cost/price-table.so");
  ASSERT_TRUE(table);
  EXPECT_EQ(table->cost_model->price("mock-large", {10, 10, 0})->cost_nano_usd, 0);
  EXPECT_FALSE(table->cost_model->price("unknown-model", {10, 10, 0}));
}

TEST_F(FirstPlugins, PriceTableRefusesAMissingPricingFile) {
  auto message = refusal("cost/price-table.so", {{"pricing_file", "/nonexistent/pricing.yaml"}});
  EXPECT_NE(message.find("factory of \"price-table\""), std::string::npos) << message;
}

TEST_F(FirstPlugins, FreeCostModelPricesEverythingAtZero) {
  auto free = load("cost/free.so");
  ASSERT_TRUE(free && free->cost_model);
  auto price = free->cost_model->price("llama3:70b", {123456, 654321, 0});
  ASSERT_TRUE(price);
  EXPECT_EQ(price->cost_nano_usd, 0);
}

TEST_F(FirstPlugins, BodyLimitAnswers413WithTheFigures) {
  auto limit = load("middleware/body-limit.so", {{"max_bytes", 2048}});
  ASSERT_TRUE(limit && limit->middleware);
  auto reply = limit->middleware->on_request(request("POST", "/v1/analyze", 4096));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->code, "PAYLOAD_TOO_LARGE");
  EXPECT_EQ(reply->message, "Request body too large. Maximum size: 2048 bytes, received: 4096 bytes");
  EXPECT_FALSE(limit->middleware->on_request(request("POST", "/v1/analyze", 2048)));
  EXPECT_FALSE(limit->middleware->on_request(request("GET", "/v1/analyze", 4096)));
  EXPECT_FALSE(limit->middleware->on_request(request("POST", "/health/ready", 4096)));
}

TEST_F(FirstPlugins, BodyLimitTrustsTheLargerOfDeclaredAndReceived) {
  auto limit = load("middleware/body-limit.so", {{"max_bytes", 2048}});
  ASSERT_TRUE(limit);
  EXPECT_TRUE(limit->middleware->on_request(request("PUT", "/x", 10, {{"Content-Length", "999999"}})));
}

TEST_F(FirstPlugins, BodyLimitLongestRoutePrefixWins) {
  auto limit = load(
      "middleware/body-limit.so",
      {{"max_bytes", 1024},
       {"routes", {{{"prefix", "/api"}, {"max_bytes", 2048}}, {{"prefix", "/api/context"}, {"max_bytes", 10485760}}}}});
  ASSERT_TRUE(limit);
  EXPECT_FALSE(limit->middleware->on_request(request("POST", "/api/context/upload", 5'000'000)));
  EXPECT_TRUE(limit->middleware->on_request(request("POST", "/api/chat", 4096)));
  EXPECT_TRUE(limit->middleware->on_request(request("POST", "/v1/x", 2000)));
}

TEST_F(FirstPlugins, BodyLimitRefusesLimitsOutsideItsRange) {
  EXPECT_NE(refusal("middleware/body-limit.so", {{"max_bytes", 100}}).find("1024 to 10485760"), std::string::npos);
  EXPECT_NE(refusal("middleware/body-limit.so", {{"max_bytes", "big"}}).find("integer"), std::string::npos);
}

TEST_F(FirstPlugins, SecurityHeadersAlwaysAndHstsOnlyOverHttps) {
  auto headers = load("middleware/security-headers.so");
  ASSERT_TRUE(headers && headers->middleware);
  plugin::HeaderList plain;
  headers->middleware->on_response(request("GET", "/health"), 200, plain);
  EXPECT_EQ(plugin::find_header(plain, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(plugin::find_header(plain, "X-Frame-Options"), "DENY");
  EXPECT_EQ(plugin::find_header(plain, "X-XSS-Protection"), "1; mode=block");
  EXPECT_FALSE(plugin::find_header(plain, "Strict-Transport-Security"));

  plugin::HeaderList secure;
  headers->middleware->on_response(request("GET", "/health", 0, {{"X-Forwarded-Proto", "https, http"}}), 200, secure);
  EXPECT_EQ(plugin::find_header(secure, "Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
}

TEST_F(FirstPlugins, MockHonoursMaxTokensAndStreamsTheSameText) {
  auto mock = load("providers/mock.so");
  ASSERT_TRUE(mock && mock->provider);
  plugin::ChatRequest chat;
  chat.messages = {{"user", "Write about rivers", ""}};
  chat.max_tokens = 3;
  auto short_answer = mock->provider->complete(chat, {});
  ASSERT_TRUE(short_answer);
  EXPECT_EQ(short_answer->finish_reason, "length");

  chat.max_tokens.reset();
  auto whole = mock->provider->complete(chat, {});
  std::string streamed;
  std::optional<plugin::Usage> final_usage;
  auto result = mock->provider->stream(chat, {}, [&](const plugin::ChatChunk& chunk) {
    streamed += chunk.delta;
    if (chunk.usage) final_usage = chunk.usage;
    return true;
  });
  ASSERT_TRUE(whole && result);
  EXPECT_EQ(streamed, whole->content);
  ASSERT_TRUE(final_usage);
  EXPECT_EQ(final_usage->output_tokens, whole->usage.output_tokens);
}

TEST_F(FirstPlugins, MockFailsWhenAskedTo) {
  auto mock = load("providers/mock.so");
  ASSERT_TRUE(mock);
  plugin::ChatRequest chat;
  chat.messages = {{"user", "please [mock:fail]", ""}};
  auto failed = mock->provider->complete(chat, {});
  ASSERT_FALSE(failed);
  EXPECT_TRUE(failed.error().retryable);
  EXPECT_NE(refusal("providers/mock.so", {{"failure_rate", 2.0}}).find("failure_rate"), std::string::npos);
}

}  // namespace
}  // namespace switchboard
