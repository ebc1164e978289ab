// The response cache through the real binary: an identical LLM call is answered from the cache
// (on framework routes and /v1/analyze alike) and costs nothing, the cost it saved adding up to
// the ledger's avoided cost; entries expire; a client can bypass it; admins read its status
// and invalidate entries by pattern; in Redis it is shared by two servers, and a Redis outage
// costs hits, never answers.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "../support/fake_upstream.hpp"
#include "../support/http_client.hpp"
#include "../support/redis_server.hpp"
#include "../support/server_process.hpp"

namespace switchboard::test {
namespace {

using nlohmann::json;

std::string config(const FakeUpstream& upstream, const std::string& cache) {
  return R"(
plugins:
  - {name: openai, file: providers/openai.so}
  - {name: price-table, file: cost/price-table.so}
  - {name: kernel, file: frameworks/kernel.so}
middleware: []
providers:
  - {name: fake, plugin: openai, base_url: )" +
         upstream.base_url() + R"(, model: gpt-4o-mini, cost_model: price-table}
default_provider: fake
)" + cache;
}

const json kStory = {{"primary_character", "Ada"}, {"secondary_character", "Bob"}};

class Cache : public ::testing::Test {
 protected:
  FakeUpstream upstream_;
  ServerProcess server_{ServerOptions{config(upstream_, "cache: {ttl_seconds: 2}\n"), {}, {}, {}}};
  HttpClient client_{server_.base_url()};

  std::string admin() const { return "Authorization: Bearer " + server_.admin_token(); }
  json status() {
    auto reply = client_.get("/internal/cache/status", {admin()});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json();
  }
  std::size_t upstream_calls() const { return upstream_.requests().size(); }
};

TEST_F(Cache, AnIdenticalCallIsAnsweredFromTheCacheAndCostsNothing) {
  auto first = client_.post("/api/semantic-kernel", kStory.dump());
  ASSERT_EQ(first.status, 200) << first.body;
  const auto calls = upstream_calls();
  ASSERT_GE(calls, 1u);
  auto second = client_.post("/api/semantic-kernel", kStory.dump());
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(upstream_calls(), calls);  // nothing went upstream
  EXPECT_EQ(second.json()["story"], first.json()["story"]);

  const auto figures = status();
  EXPECT_EQ(figures["backend"], "memory");
  EXPECT_EQ(figures["hits"], calls);
  EXPECT_EQ(figures["misses"], calls);
  EXPECT_DOUBLE_EQ(figures["hit_rate"].get<double>(), 0.5);
  EXPECT_EQ(figures["entries"], calls);
  EXPECT_GT(figures["bytes"].get<std::int64_t>(), 0);
  EXPECT_GT(figures["cost_saved_usd"].get<double>(), 0.0);

  // The saved cost is the ledger's avoided cost, and the hits cost nothing there.
  auto ledger = client_.get("/api/cost/transactions?limit=100");
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  double avoided = 0;
  int hits = 0;
  const json rows = ledger.json()["transactions"];
  for (const auto& row : rows) {
    if (!row["cache_hit"].get<bool>()) continue;
    ++hits;
    avoided += row["avoided_cost_usd"].get<double>();
    EXPECT_EQ(row["estimated_cost_usd"], 0.0);
  }
  EXPECT_EQ(hits, static_cast<int>(calls));
  EXPECT_NEAR(avoided, figures["cost_saved_usd"].get<double>(), 1e-12);

  // The same counts on /metrics.
  const auto metrics = client_.get("/metrics").body;
  const auto calls_text = std::to_string(calls);
  EXPECT_NE(metrics.find("switchboard_cache_operations_total{operation=\"hit\"} " + calls_text), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("switchboard_cache_operations_total{operation=\"miss\"} " + calls_text), std::string::npos);
  EXPECT_NE(metrics.find("switchboard_cache_operations_total{operation=\"store\"} " + calls_text), std::string::npos);
  EXPECT_NE(metrics.find("switchboard_cache_cost_saved_usd_total"), std::string::npos);
}

TEST_F(Cache, TheGatewayAnswersWholeAndStreamedRequestsFromTheCache) {
  const json whole = {{"model", "fake/gpt-4o-mini"}, {"messages", {{{"role", "user"}, {"content", "Hello cache"}}}}};
  auto first = client_.post("/v1/chat/completions", whole.dump());
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-switchboard-cache"), "");
  EXPECT_EQ(upstream_calls(), 1u);
  auto again = client_.post("/v1/chat/completions", whole.dump());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.header("x-switchboard-cache"), "hit");
  EXPECT_EQ(again.json()["choices"][0]["message"]["content"], first.json()["choices"][0]["message"]["content"]);
  json streamed = whole;
  streamed["stream"] = true;
  auto stream = client_.post("/v1/chat/completions", streamed.dump());
  ASSERT_EQ(stream.status, 200) << stream.body;
  EXPECT_NE(stream.body.find("echo: Hello cache"), std::string::npos) << stream.body;
  EXPECT_NE(stream.body.find("data: [DONE]"), std::string::npos);
  EXPECT_EQ(upstream_calls(), 1u);
  ASSERT_EQ(client_.post("/v1/chat/completions", whole.dump(), {"Cache-Control: no-cache"}).status, 200);
  EXPECT_EQ(upstream_calls(), 2u);
  EXPECT_EQ(status()["hits"], 2);
}

TEST_F(Cache, EntriesExpireAndClientsCanBypass) {
  ASSERT_EQ(client_.post("/api/semantic-kernel", kStory.dump()).status, 200);
  const auto calls = upstream_calls();
  // Cache-Control: no-cache asks for a fresh answer.
  ASSERT_EQ(client_.post("/api/semantic-kernel", kStory.dump(), {"Cache-Control: no-cache"}).status, 200);
  EXPECT_EQ(upstream_calls(), 2 * calls);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // ttl_seconds: 2
  ASSERT_EQ(client_.post("/api/semantic-kernel", kStory.dump()).status, 200);
  EXPECT_EQ(upstream_calls(), 3 * calls);
  EXPECT_EQ(status()["hits"], 0);
}

TEST_F(Cache, AnalyzeSaysCachedAndHonoursItsOptions) {
  const json body = {{"prompt", "Extract invoice details from Invoice #12345"},
                     {"options", {{"bypass_cache", false}, {"cache_ttl", 60}}}};
  // The fake answers prose, so both fail validation; the second is still served from the cache.
  auto first = client_.post("/v1/analyze", body.dump());
  ASSERT_EQ(first.status, 422) << first.body;
  const auto calls = upstream_calls();
  auto second = client_.post("/v1/analyze", body.dump());
  ASSERT_EQ(second.status, 422) << second.body;
  EXPECT_EQ(upstream_calls(), calls);
  json bypass = body;
  bypass["options"]["bypass_cache"] = true;
  ASSERT_EQ(client_.post("/v1/analyze", bypass.dump()).status, 422);
  EXPECT_GT(upstream_calls(), calls);
  json wrong = body;
  wrong["options"]["cache_ttl"] = 5;
  auto refused = client_.post("/v1/analyze", wrong.dump());
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.json()["error"]["details"][0]["field"], "options.cache_ttl");
}

TEST_F(Cache, AdminsInvalidateByPatternAndNobodyElseMay) {
  ASSERT_EQ(client_.post("/api/semantic-kernel", kStory.dump()).status, 200);
  EXPECT_EQ(client_.get("/internal/cache/status").status, 401);
  EXPECT_EQ(client_.post("/internal/cache/invalidate", R"({"pattern": "*"})").status, 401);
  auto none = client_.post("/internal/cache/invalidate", R"({"pattern": "other:*"})", {admin()});
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(none.json()["invalidated"], 0);
  auto dropped = client_.post("/internal/cache/invalidate", R"({"pattern": "fake:gpt-4o-mini:*"})", {admin()});
  ASSERT_EQ(dropped.status, 200) << dropped.body;
  EXPECT_GE(dropped.json()["invalidated"].get<int>(), 1);
  EXPECT_EQ(status()["entries"], 0);
  auto bad = client_.post("/internal/cache/invalidate", R"({"pattern": 7})", {admin()});
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json()["error"]["code"], "INVALID_REQUEST");
}

// Two servers on one Redis share entries; when Redis goes away, answers keep coming (from the
// provider, then from the memory fallback) and the status says where the cache lives.
TEST(CacheRedis, SharedBetweenServersAndAnOutageCostsOnlyHits) {
  FakeUpstream upstream;
  auto redis = std::make_unique<RedisServer>();
  const std::string cache = "cache: {redis_url: \"" + redis->url() + "\"}\n";
  ServerProcess a(ServerOptions{config(upstream, cache), {}, {}, {}});
  ServerProcess b(ServerOptions{config(upstream, cache), {}, {}, {}});
  HttpClient to_a(a.base_url());
  HttpClient to_b(b.base_url());
  ASSERT_EQ(to_a.post("/api/semantic-kernel", kStory.dump()).status, 200);
  const auto calls = upstream.requests().size();
  ASSERT_EQ(to_b.post("/api/semantic-kernel", kStory.dump()).status, 200);
  EXPECT_EQ(upstream.requests().size(), calls);  // b was answered from a's entries
  EXPECT_NE(redis->cli("--scan --pattern 'switchboard:cache:response:fake:*'").find("fake:gpt-4o-mini:"),
            std::string::npos);
  auto status_b = to_b.get("/internal/cache/status", {"Authorization: Bearer " + b.admin_token()});
  EXPECT_EQ(status_b.json()["backend"], "redis");
  EXPECT_EQ(status_b.json()["hits"], calls);

  redis.reset();  // the outage
  const json other = {{"primary_character", "Cy"}, {"secondary_character", "Di"}};
  auto during = to_a.post("/api/semantic-kernel", other.dump());
  ASSERT_EQ(during.status, 200) << during.body;
  const auto after_outage = upstream.requests().size();
  EXPECT_GT(after_outage, calls);
  ASSERT_EQ(to_a.post("/api/semantic-kernel", other.dump()).status, 200);
  EXPECT_EQ(upstream.requests().size(), after_outage);  // kept in memory meanwhile
  auto status_a = to_a.get("/internal/cache/status", {"Authorization: Bearer " + a.admin_token()});
  EXPECT_EQ(status_a.json()["backend"], "memory (redis unavailable)");
}

}  // namespace
}  // namespace switchboard::test
