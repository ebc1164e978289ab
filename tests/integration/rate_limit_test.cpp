// The rate-limit middleware through the real binary: headers on every response, the limit
// exact at the boundary, 429 with Retry-After, per client, health counted apart.
#include <gtest/gtest.h>

#include "../support/http_client.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

TEST(RateLimit, GenerationIsLimitedPerClientWithHeaders) {
  ServerProcess server(ServerOptions{R"(
plugins:
  - {name: mock, file: providers/mock.so}
  - {name: free, file: cost/free.so}
  - {name: kernel, file: frameworks/kernel.so}
  - {name: rate-limit, file: middleware/rate-limit.so, config: {limits: {generation: 3, global: 10, health: 4}}}
middleware: [rate-limit]
)",
                                     {},
                                     {},
                                     {}});
  HttpClient client(server.base_url());
  const std::string story = R"({"primary_character": "A", "secondary_character": "B"})";
  for (int i = 0; i < 3; ++i) {
    auto reply = client.post("/api/semantic-kernel", story);
    ASSERT_EQ(reply.status, 200) << i << ": " << reply.body;
    EXPECT_EQ(reply.header("x-ratelimit-limit"), "3");
    EXPECT_EQ(reply.header("x-ratelimit-remaining"), std::to_string(2 - i));
    EXPECT_FALSE(reply.header("x-ratelimit-reset").empty());
  }
  auto refused = client.post("/api/semantic-kernel", story);
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "RATE_LIMIT_EXCEEDED");
  EXPECT_GE(std::stoi(refused.header("retry-after")), 1);
  EXPECT_EQ(refused.header("x-ratelimit-remaining"), "0");
  // Another client (a different credential) has its own window; reads are only under global.
  EXPECT_EQ(client.post("/api/semantic-kernel", story, {"X-API-Key: sk_other"}).status, 200);
  auto list = client.get("/api/stories");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.header("x-ratelimit-limit"), "10");
  // Health has its own allowance and does not use up the global one.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(client.get("/health").status, 200) << i;
  EXPECT_EQ(client.get("/health").status, 429);
  EXPECT_EQ(client.get("/api/stories").status, 200);
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
}

}  // namespace
}  // namespace switchboard::test
