// The rate-limit middleware through the real binary: headers on every response, the limit
// exact at the boundary, 429 with Retry-After and the seed's body, per client (the principal
// `auth` found: here JWT subjects), health counted apart; shared by two server processes
// through a real Redis; limiting on when Redis is down.
#include <gtest/gtest.h>

#include <chrono>

#include "../../plugins/middleware/auth/jwt.hpp"
#include "../support/http_client.hpp"
#include "../support/redis_server.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

const std::string kSecret = "rate-limit-test-secret-of-at-least-32-characters";

// A JWT for `subject`: clients told apart by who they are, on one loopback address.
std::string as(const std::string& subject) {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return "Authorization: Bearer " + auth::sign_jwt({{"sub", subject}, {"exp", now + 600}}, kSecret);
}

TEST(RateLimit, GenerationIsLimitedPerClientWithHeaders) {
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: auth, file: middleware/auth.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {generation: 3, global: 10, health: 4}}}
middleware: [auth, rate-limit]
)",
                                     {},
                                     {{"JWT_SECRET", kSecret}},
                                     {}});
  HttpClient client(server.base_url());
  const std::string story = R"({"primary_character": "A", "secondary_character": "B"})";
  const std::string ada = as("ada");
  for (int i = 0; i < 3; ++i) {
    auto reply = client.post("/api/semantic-kernel", story, {ada});
    ASSERT_EQ(reply.status, 200) << i << ": " << reply.body;
    EXPECT_EQ(reply.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(reply.header("x-ratelimit-remaining"), std::to_string(2 - i));
    EXPECT_FALSE(reply.header("x-ratelimit-reset").empty());
  }
  // A doubled slash once escaped the class (the limiter saw "//api/…", the router "/api/…").
  for (const char* spelling : {"//api/semantic-kernel", "/api//semantic-kernel/"}) {
    EXPECT_EQ(client.post(spelling, story, {ada}).status, 429) << spelling;
  }
  auto refused = client.post("/api/semantic-kernel", story, {ada});
  EXPECT_EQ(refused.status, 429) << refused.body;
  const auto error = refused.json()["error"];
  EXPECT_EQ(error["code"], "RATE_LIMIT_EXCEEDED");
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_EQ(refused.header("x-ratelimit-remaining"), "0");
  // The seed's body: retry_after, limit and reset_time, beside code, message and request_id.
  EXPECT_EQ(error["retry_after"], std::stoi(refused.header("retry-after")));
  EXPECT_EQ(error["limit"], "3 requests per minute");
  EXPECT_EQ(error["request_id"], refused.header("x-request-id"));
  ASSERT_TRUE(error["reset_time"].is_string());
  EXPECT_EQ(error["reset_time"].get<std::string>().size(), 20u) << error;  // 2026-11-22T23:20:00Z
  // X-RateLimit-Reset is the Unix time a slot frees: within the next window.
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto reset = std::stoll(refused.header("x-ratelimit-reset"));
  EXPECT_GT(reset, now);
  EXPECT_LE(reset, now + 61);
  // Another client (another subject) has its own window; reads are only under global.
  EXPECT_EQ(client.post("/api/semantic-kernel", story, {as("grace")}).status, 200);
  auto list = client.get("/api/stories", {ada});
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.header("x-ratelimit-limit"), "10");
  // Health has its own allowance and does not use up the global one.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(client.get("/health").status, 200) << i;
  EXPECT_EQ(client.get("/health").status, 429);
  EXPECT_EQ(client.get("/api/stories", {ada}).status, 200);
}

std::string limited_config(const std::string& extra = "", const std::string& middleware = "[rate-limit]") {
  return R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: auth, file: middleware/auth.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {generation: 5, global: 50})" +
         extra + R"(}}
middleware: )" +
         middleware + "\n";
}

TEST(RateLimit, TwoServersShareOneAllowanceThroughRedis) {
  RedisServer redis;
  const ServerOptions options{
      limited_config("", "[auth, rate-limit]"), {}, {{"REDIS_URL", redis.url()}, {"JWT_SECRET", kSecret}}, {}};
  ServerProcess first(options);
  ServerProcess second(options);
  HttpClient a(first.base_url());
  HttpClient b(second.base_url());
  const std::string story = R"({"primary_character": "A", "secondary_character": "B"})";
  const std::string key = as("shared-client");
  // Five in all, taken alternately from the two servers: each sees what the other counted.
  for (int i = 0; i < 5; ++i) {
    auto reply = (i % 2 ? b : a).post("/api/semantic-kernel", story, {key});
    ASSERT_EQ(reply.status, 200) << i << ": " << reply.body;
    EXPECT_EQ(reply.header("x-ratelimit-remaining"), std::to_string(4 - i)) << i;
  }
  // The sixth is refused by either, exactly at the boundary.
  EXPECT_EQ(a.post("/api/semantic-kernel", story, {key}).status, 429);
  EXPECT_EQ(b.post("/api/semantic-kernel", story, {key}).status, 429);
  // Another client is untouched; the windows live in Redis under the principal, never the
  // credential.
  EXPECT_EQ(b.post("/api/semantic-kernel", story, {as("someone-else")}).status, 200);
  const std::string keys = redis.cli("--scan --pattern 'switchboard:rl:*'");
  EXPECT_NE(keys.find("switchboard:rl:generation:jwt:|shared-client"), std::string::npos) << keys;
  EXPECT_EQ(keys.find(key.substr(22, 20)), std::string::npos) << keys;
  EXPECT_EQ(first.log().find("Redis unavailable"), std::string::npos) << first.log();
}

TEST(RateLimit, WithRedisDownTheServerStillLimitsOnItsOwn) {
  // A port where nothing listens: every call to Redis fails at once.
  const ServerOptions options{limited_config(", redis_url: \"redis://127.0.0.1:1\""), {}, {}, {}};
  ServerProcess server(options);
  HttpClient client(server.base_url());
  const std::string story = R"({"primary_character": "A", "secondary_character": "B"})";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(client.post("/api/semantic-kernel", story).status, 200) << i;
  EXPECT_EQ(client.post("/api/semantic-kernel", story).status, 429);
  EXPECT_NE(server.log().find("Redis unavailable"), std::string::npos) << server.log();
}

TEST(RateLimit, BadConfigurationRefusesThePluginWithTheReason) {
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {generation: 0}}}
middleware: []
)",
                                     {},
                                     {},
                                     {}});
  EXPECT_NE(server.log().find("limits.generation must be 1 to 1000000"), std::string::npos) << server.log();

  ServerProcess bad_url(ServerOptions{limited_config(", redis_url: \"http://:hunter2@example\""), {}, {}, {}});
  EXPECT_NE(bad_url.log().find("the Redis URL must start with redis://"), std::string::npos) << bad_url.log();
  EXPECT_EQ(bad_url.log().find("hunter2"), std::string::npos) << bad_url.log();
}

}  // namespace
}  // namespace switchboard::test
